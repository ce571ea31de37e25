using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Escalations;

/// <summary>
/// Feeds the help queue from the event log as it commits: new requests, withdrawals by the agent,
/// and ended calls (whose open requests are cancelled).
/// </summary>
public sealed partial class EscalationWatcher(EventHub hub, HelpQueue queue, LiveCalls live, ILogger<EscalationWatcher> logger) : BackgroundService
{
    private const int Capacity = 100_000;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribe before restoring, so nothing committed in between is missed.
        var subscription = hub.SubscribeAll(Capacity);
        try
        {
            await queue.RestoreAsync(id => live.Find(id) is not null, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                await foreach (var e in subscription.Reader.ReadAllAsync(stoppingToken))
                {
                    await HandleAsync(e, stoppingToken);
                }

                // The buffer overflowed: start again and close requests of calls that ended meanwhile.
                LogOverflow();
                subscription.Dispose();
                subscription = hub.SubscribeAll(Capacity);
                foreach (var request in queue.Pending().Where(r => live.Find(r.CallId) is null))
                {
                    await queue.OnCallEndedAsync(request.CallId, null, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            subscription.Dispose();
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
                    queue.OnWithdrawn(e.CallId, requestId);
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

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "The help queue fell behind the event stream and resubscribed")]
    private partial void LogOverflow();

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Could not handle {Type} of call {CallId} in the help queue")]
    private partial void LogFailed(Exception ex, string type, string callId);
}
