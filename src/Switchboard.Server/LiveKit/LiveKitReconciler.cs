using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Ingest;
using Switchboard.Server.Storage;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// Compares Switchboard's active calls with LiveKit's rooms every interval, because webhooks can be
/// lost: an active call whose room is gone is ended (<c>reconciled</c>); a room with an agent that
/// Switchboard never heard of becomes a call; a call whose agent does not report to Switchboard but
/// is in its room is kept from being taken for lost.
/// </summary>
public sealed partial class LiveKitReconciler(
    LiveKitServerApi api,
    LiveCalls live,
    IEventStore store,
    EventIngestor ingestor,
    AgentTracks tracks,
    IOptions<LiveKitOptions> options,
    IOptions<CallsOptions> calls,
    TimeProvider clock,
    Operations.IJobLeases leases,
    ILogger<LiveKitReconciler> logger) : BackgroundService
{
    /// <summary>Prefix of LiveKit room SIDs, which are the ids of calls in LiveKit rooms.</summary>
    public const string RoomSidPrefix = "RM_";

    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!api.Configured)
        {
            var keys = o.WebhookSecrets().Count;
            LogOff(keys > 0 ? $"webhooks are accepted for {keys} key(s)" : "webhooks are off too: set LiveKit:WebhookKeys:<key> to accept them");
            return;
        }

        LogOn(o.ApiBaseAddress().ToString(), o.ReconcileIntervalSeconds, o.WebhookSecrets().Count);
        // One node reconciles at a time (the lease "LiveKit reconciler").
        await Operations.LeasedJob.RunAsync(
            leases,
            "LiveKit reconciler",
            ct => Operations.BackgroundPass.RunEveryAsync(TimeSpan.FromSeconds(o.ReconcileIntervalSeconds), clock, logger, "the LiveKit reconciler", ReconcileAsync, ct),
            stoppingToken);
    }

    /// <summary>One pass; returns how many calls were ended and discovered.</summary>
    public async Task<ReconcileResult> ReconcileAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken);
        try
        {
            var result = await PassAsync(cancellationToken);
            Operations.SwitchboardMetrics.ReconcilerPasses.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
            Operations.SwitchboardMetrics.GhostCalls.Add(result.Ended);
            Operations.SwitchboardMetrics.DiscoveredCalls.Add(result.Discovered);
            return result;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            Operations.SwitchboardMetrics.ReconcilerPasses.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            throw;
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<ReconcileResult> PassAsync(CancellationToken cancellationToken)
    {
        // Calls active before the rooms are listed: a call that starts during the request is not judged on a stale list.
        var candidates = live.Active.Where(c => c.CallId.StartsWith(RoomSidPrefix, StringComparison.Ordinal)).Select(c => c.CallId).ToList();
        var rooms = await api.ListRoomsAsync(null, cancellationToken);
        var now = clock.GetUtcNow();
        var bySid = rooms.Where(r => r.Sid.Length > 0).GroupBy(r => r.Sid, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var ended = candidates
            .Where(id => !bySid.ContainsKey(id) && live.Find(id) is not null)
            .Select(id => BridgeEvents.CallEnded(id, "reconciled", "The call's LiveKit room no longer exists.", now))
            .ToList();
        if (ended.Count > 0)
        {
            await ingestor.AppendServerEventsAsync(ended, cancellationToken);
            ended.ForEach(e => tracks.ForgetCall(e.CallId!));
            LogEnded(ended.Count);
        }

        _stored.IntersectWith(bySid.Keys);
        var discovered = 0;
        // Look for the agent of a call that has been silent toward Switchboard for a while, early
        // enough that the lost-agent guard does not end it first.
        var silentAfter = TimeSpan.FromSeconds(Math.Min(options.Value.ReconcileIntervalSeconds, calls.Value.AgentTimeoutSeconds / 2));
        foreach (var room in bySid.Values)
        {
            if (live.Find(room.Sid) is { } call)
            {
                if ((live.LastHeard(call.CallId) ?? call.LastEventAt) + silentAfter < now)
                {
                    await KeepIfAgentPresentAsync(room, now, cancellationToken);
                }
            }
            else if (!await StoredAsync(room.Sid, cancellationToken) && await DiscoverAsync(room, now, cancellationToken))
            {
                discovered++;
            }
        }

        if (discovered > 0)
        {
            LogDiscovered(discovered);
        }

        return new ReconcileResult(rooms.Count, ended.Count, discovered);
    }

    private async Task<bool> DiscoverAsync(LiveKitRoom room, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var participants = await ParticipantsAsync(room, cancellationToken);
        if (participants.FirstOrDefault(p => p.IsAgent) is not { } agent)
        {
            return false;
        }

        var events = new List<EventEnvelope> { BridgeEvents.CallStarted(room, BridgeEvents.AgentName(agent), "livekit-reconciler", now) };
        foreach (var p in participants)
        {
            if (ParticipantRoles.Of(p) is { } role)
            {
                events.Add(BridgeEvents.Participant(room.Sid, DerivedId.Of("livekit-present", room.Sid, p.Sid), joined: true, p, role, now));
            }
        }

        Remember(room.Sid, agent);
        await ingestor.AppendServerEventsAsync(events, cancellationToken);
        return true;
    }

    private async Task KeepIfAgentPresentAsync(LiveKitRoom room, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var agent = (await ParticipantsAsync(room, cancellationToken)).FirstOrDefault(p => p.IsAgent && p.State != "DISCONNECTED");
        if (agent is not null)
        {
            Remember(room.Sid, agent);
            await ingestor.AppendServerEventsAsync([BridgeEvents.AgentSeen(room.Sid, now)], cancellationToken);
        }
    }

    private void Remember(string callId, LiveKitParticipant agent)
    {
        if (agent.AudioTrack is { } audio)
        {
            tracks.RememberTrack(callId, agent.Identity, audio.Sid);
        }
        else
        {
            tracks.RememberAgent(callId, agent.Identity);
        }
    }

    private async Task<IReadOnlyList<LiveKitParticipant>> ParticipantsAsync(LiveKitRoom room, CancellationToken cancellationToken)
    {
        try
        {
            return await api.ListParticipantsAsync(room.Name, cancellationToken);
        }
        catch (LiveKitApiException ex) when (ex.Code == "not_found")
        {
            return [];
        }
    }

    private async Task<bool> StoredAsync(string callId, CancellationToken cancellationToken)
    {
        if (_stored.Contains(callId))
        {
            return true;
        }

        if ((await store.ReadAsync(callId, 0, 1, cancellationToken)).Count == 0)
        {
            return false;
        }

        _stored.Add(callId);
        return true;
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information,
        Message = "LiveKit bridge is off: set LiveKit:Url, LiveKit:ApiKey and LiveKit:ApiSecret to use the server API and reconcile calls; {Webhooks}")]
    private partial void LogOff(string webhooks);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Information,
        Message = "LiveKit bridge is on: server API {Url}, reconciling every {Seconds} s, {Keys} webhook key(s) accepted")]
    private partial void LogOn(string url, double seconds, int keys);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "Ended {Count} call(s) whose LiveKit room no longer exists")]
    private partial void LogEnded(int count);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Information, Message = "Discovered {Count} call(s) with an agent in a LiveKit room")]
    private partial void LogDiscovered(int count);
}
