namespace Switchboard.Contracts.Agent;

/// <summary>The acknowledgement of one event.</summary>
/// <param name="Id">The event id.</param>
/// <param name="CallId">The call.</param>
/// <param name="Seq">Its sequence number; 0 for ephemeral events, which are not stored.</param>
/// <param name="Duplicate">True when the event had been stored before (the original seq is returned).</param>
public sealed record EventAck(string Id, string CallId, long Seq, bool Duplicate = false);
