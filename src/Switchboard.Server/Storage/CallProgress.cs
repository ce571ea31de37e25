namespace Switchboard.Server.Storage;

/// <summary>How far one call's log is (<see cref="IEventStore.CallProgressAsync"/>).</summary>
/// <param name="CallId">The call.</param>
/// <param name="LastSeq">The seq of its last stored event.</param>
/// <param name="Mark">Its place in the order calls were first stored (<see cref="IEventStore.CallsMarkAsync"/>).</param>
public sealed record CallProgress(string CallId, long LastSeq, long Mark);
