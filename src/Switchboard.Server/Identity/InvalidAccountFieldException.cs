namespace Switchboard.Server.Identity;

/// <summary>
/// A value given for an account or an API key that cannot be accepted. Unlike an
/// <see cref="ArgumentException"/>, whose message carries the parameter's name, its
/// <see cref="Exception.Message"/> is only the sentence written for the person who sent the value:
/// what is wrong and what to send instead. It is what the admin API and the command line show.
/// </summary>
public sealed class InvalidAccountFieldException : Exception
{
    /// <summary>A refusal of <paramref name="field"/>, explained by <paramref name="message"/>.</summary>
    public InvalidAccountFieldException(string field, string message, Exception? innerException = null)
        : base(message, innerException) => Field = field;

    /// <summary>The request field at fault, as it is named in the API (<c>username</c>, <c>role</c>, …).</summary>
    public string Field { get; }
}
