namespace Switchboard.Server.Storage;

/// <summary>The outcome of appending one event.</summary>
/// <param name="Seq">Its per-call sequence number.</param>
/// <param name="Duplicate">True when the event was already stored; <paramref name="Seq"/> is the original.</param>
public readonly record struct AppendResult(long Seq, bool Duplicate);
