namespace Switchboard.Server.Storage;

/// <summary>Filter for <see cref="IEventStore.ListCallsAsync"/>.</summary>
/// <param name="Status">"active", "ended" or null for both.</param>
/// <param name="Limit">Most rows.</param>
/// <param name="Before">Only calls first seen before this instant (paging).</param>
public sealed record CallQuery(string? Status, int Limit, DateTimeOffset? Before = null);
