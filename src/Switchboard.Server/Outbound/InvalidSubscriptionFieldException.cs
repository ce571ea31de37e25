namespace Switchboard.Server.Outbound;

/// <summary>A subscription's field was refused; the message says what to fix.</summary>
public sealed class InvalidSubscriptionFieldException(string field, string message) : Exception(message)
{
    /// <summary>The field (as the request names it).</summary>
    public string Field { get; } = field;
}
