namespace Switchboard.Contracts.Agent;

/// <summary>The answer to an accepted batch: one result per event, in batch order.</summary>
/// <param name="Results">The acknowledgements.</param>
public sealed record BatchAck(IReadOnlyList<EventAck> Results);
