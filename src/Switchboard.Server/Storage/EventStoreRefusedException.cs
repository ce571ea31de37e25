namespace Switchboard.Server.Storage;

/// <summary>
/// The store could not commit one request because of what it holds (not because the store is
/// down); nothing of the request was stored, and resending it unchanged will fail again.
/// </summary>
public sealed class EventStoreRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EventStoreRefusedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public EventStoreRefusedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public EventStoreRefusedException(string message)
        : base(message)
    {
    }
}
