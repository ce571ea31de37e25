namespace Switchboard.Server.Storage;

/// <summary>The store could not commit; nothing of the request was stored.</summary>
public sealed class EventStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EventStoreUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public EventStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public EventStoreUnavailableException(string message)
        : base(message)
    {
    }
}
