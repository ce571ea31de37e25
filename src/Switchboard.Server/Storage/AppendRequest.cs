namespace Switchboard.Server.Storage;

/// <summary>One caller's events waiting for the writer, and the promise of their results.</summary>
internal sealed class AppendRequest(IReadOnlyList<NewEvent> events)
{
    public IReadOnlyList<NewEvent> Events { get; } = events;

    public AppendResult[]? Results { get; set; }

    public TaskCompletionSource<IReadOnlyList<AppendResult>> Completion { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
