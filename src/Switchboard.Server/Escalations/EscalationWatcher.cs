using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Escalations;

/// <summary>
/// Feeds the help queue from the event log as it commits: new requests, withdrawals by the agent,
/// and ended calls (whose open requests are cancelled).
/// </summary>
public sealed partial class EscalationWatcher(EventHub hub, IEventStore store, HelpQueue queue, LiveCalls live, ILogger<EscalationWatcher> logger) : BackgroundService
{
    private const int Capacity = 100_000;
    private const int Batch = 500;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Follow before restoring, so nothing committed in between is missed; a burst larger than the
        // buffer is read back from the log, never dropped.
        using var follower = await LogFollower.StartAsync(hub, store, Capacity, [.. live.Active.Select(c => c.CallId)], stoppingToken);
        try
        {
            await queue.RestoreAsync(id => live.Find(id) is not null, stoppingToken);
            var batch = new List<StoredEvent>(Batch);
            while (await follower.NextAsync(batch, Batch, stoppingToken))
            {
                foreach (var e in batch)
                {
                    await HandleAsync(e, stoppingToken);
                    if (e.Type == EventTypes.CallEnded)
                    {
                        follower.Forget(e.CallId);
                    }
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task HandleAsync(StoredEvent e, CancellationToken cancellationToken)
    {
        try
        {
            switch (e.Type)
            {
                case EventTypes.EscalationRequested:
                    await queue.OnRequestedAsync(e, cancellationToken);
                    break;
                case EventTypes.EscalationCancelled when e.Data.Str("requestId") is { } requestId:
                    await queue.OnWithdrawnAsync(e.CallId, requestId);
                    break;
                case EventTypes.EscalationClaimed or EventTypes.EscalationAnswered or EventTypes.EscalationTimedOut when e.Data.Str("requestId") is { } decided:
                    await queue.OnDecidedAsync(e.CallId, decided, e.Type, e.Data.Str("by"));
                    break;
                case EventTypes.CallEnded:
                    await queue.OnCallEndedAsync(e.CallId, e.Data.Str("reason"), cancellationToken);
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // One event the queue cannot handle must not stop it for every other call.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(ex, e.Type, e.CallId);
        }
    }

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Could not handle {Type} of call {CallId} in the help queue")]
    private partial void LogFailed(Exception ex, string type, string callId);
}
