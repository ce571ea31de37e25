using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Operations;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.LiveKit.Egress;

/// <summary>
/// Follows the log (one node at a time, the lease "call recorder"): with <c>Calls = all</c> it
/// starts recording each LiveKit call as it starts, and it stops a call's egress when the call
/// ends. When it takes the lease it first looks at the active calls it may have missed. Off unless
/// recording is enabled.
/// </summary>
public sealed class CallRecorder(
    CallRecordings recordings,
    EventHub hub,
    IEventStore store,
    LiveCalls live,
    IJobLeases leases,
    ILogger<CallRecorder> logger) : BackgroundService
{
    // The running egress of each active call, as this node's follower saw it.
    private readonly Dictionary<string, string> _running = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        recordings.Enabled ? LeasedJob.RunAsync(leases, "call recorder", FollowAsync, stoppingToken) : Task.CompletedTask;

    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        _running.Clear();
        // Following starts first, so a call that starts during the catch-up is not missed (the log's claim makes a second start a no-op).
        using var follower = await LogFollower.StartAsync(hub, store, 10_000, [], stoppingToken);
        foreach (var call in live.Active.Where(c => CallRecordings.InLiveKit(c.CallId)).ToList())
        {
            await BackgroundPass.RunOnceAsync(logger, "the call recorder's catch-up", ct => CatchUpAsync(call, ct), stoppingToken);
        }

        var batch = new List<StoredEvent>(1000);
        while (await follower.NextAsync(batch, 1000, stoppingToken))
        {
            foreach (var e in batch.Where(e => !e.IsEphemeral && CallRecordings.InLiveKit(e.CallId)))
            {
                await BackgroundPass.RunOnceAsync(logger, "the call recorder", ct => HandleAsync(e, ct), stoppingToken);
            }

            batch.Clear();
        }
    }

    private async Task CatchUpAsync(CallState call, CancellationToken cancellationToken)
    {
        var recording = recordings.Options.OnlyWhenAsked
            ? await recordings.ReadAsync(call.CallId, cancellationToken)
            : (await recordings.StartAsync(call.CallId, call.RoomName, "auto", null, cancellationToken)).Recording;
        if (recording is { Status: CallRecording.Recording, EgressId: { } egressId })
        {
            _running[call.CallId] = egressId;
        }
    }

    private async Task HandleAsync(StoredEvent e, CancellationToken cancellationToken)
    {
        switch (e.Type)
        {
            case EventTypes.CallStarted when !recordings.Options.OnlyWhenAsked:
                await recordings.StartAsync(e.CallId, e.Data.Str("roomName"), "auto", null, cancellationToken);
                break;
            case EventTypes.RecordingStarted when e.Data.Str("egressId") is { } egressId:
                _running[e.CallId] = egressId;
                break;
            case EventTypes.RecordingCompleted or EventTypes.RecordingFailed when e.Data.Str("egressId") is { } egressId:
                if (_running.GetValueOrDefault(e.CallId) == egressId)
                {
                    _running.Remove(e.CallId);
                }

                break;
            case EventTypes.CallEnded when _running.Remove(e.CallId, out var running):
                await recordings.StopAsync(e.CallId, running, cancellationToken);
                break;
        }
    }
}
