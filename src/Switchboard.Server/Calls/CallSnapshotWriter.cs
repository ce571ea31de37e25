using Switchboard.Server.Operations;

namespace Switchboard.Server.Calls;

/// <summary>
/// Stores the final state of each call as it ends (handed over by <see cref="LiveCalls"/> off the
/// writer's thread), so that reading an ended call never folds its log. A snapshot missed here
/// (the queue was full, the server stopped) is built by the first read instead.
/// </summary>
public sealed class CallSnapshotWriter(LiveCalls live, EndedCalls ended, ILogger<CallSnapshotWriter> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var state in live.EndedStates.ReadAllAsync(stoppingToken))
            {
                await BackgroundPass.RunOnceAsync(logger, "the call snapshot writer", ct => ended.RememberAsync(state, ct), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
