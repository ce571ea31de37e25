namespace Switchboard.Server.Storage;

/// <summary>The configured store cannot be used; the message says what to fix. The server does not start.</summary>
public sealed class StorageStartException(string message, Exception? inner) : Exception(message, inner);
