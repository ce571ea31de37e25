namespace Switchboard.Server.Storage;

/// <summary>Filter for <see cref="IEventStore.ListCallsAsync"/>.</summary>
/// <param name="Status">"active", "ended" or null for both.</param>
/// <param name="Limit">Most rows.</param>
/// <param name="Before">Only calls that come after this one, newest first (paging): first seen earlier, or at the same time with a lower id.</param>
public sealed record CallQuery(string? Status, int Limit, CallPosition? Before = null);

/// <summary>Where a call stands in the newest-first order of stored calls.</summary>
public sealed record CallPosition(DateTimeOffset FirstAt, string CallId);
