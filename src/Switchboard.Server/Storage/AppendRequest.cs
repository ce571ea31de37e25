namespace Switchboard.Server.Storage;

/// <summary>One caller's events waiting for the writer, and the promise of their results.</summary>
internal sealed class AppendRequest(IReadOnlyList<NewEvent> events, bool derived = false)
{
    public IReadOnlyList<NewEvent> Events { get; } = events;

    /// <summary>
    /// Events the server derived from committed ones (a score, an attention change): they may wait
    /// a few milliseconds to commit with the next batch that somebody is waiting for.
    /// </summary>
    public bool Derived { get; } = derived;

    public AppendResult[]? Results { get; set; }

    /// <summary>When the request was queued (<see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
    public long QueuedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public TaskCompletionSource<IReadOnlyList<AppendResult>> Completion { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
