using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Ingest;
using Switchboard.Server.Storage;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// Applies a verified webhook to the event log (docs/LIVEKIT-BRIDGE.md has the mapping table).
/// Nothing here calls LiveKit, so the answer goes back as soon as the events are committed.
/// </summary>
public sealed partial class LiveKitWebhookHandler(
    EventIngestor ingestor,
    LiveCalls live,
    IEventStore store,
    AgentTracks tracks,
    IWebhookReceipts receipts,
    Egress.CallRecordings recordings,
    TimeProvider clock,
    ILogger<LiveKitWebhookHandler> logger)
{
    /// <summary>Applies the webhook unless a webhook with the same receipt id was applied before.</summary>
    /// <returns>The number of events written, or null for a duplicate.</returns>
    public async Task<int?> HandleAsync(LiveKitWebhookEvent webhook, string receiptId, CancellationToken cancellationToken)
    {
        using var span = Operations.SwitchboardTracing.Source.StartActivity("livekit webhook " + webhook.Event);
        span?.SetTag("switchboard.webhook_id", receiptId);
        if (await receipts.SeenAsync(receiptId, cancellationToken))
        {
            LogDuplicate(webhook.Event, receiptId);
            return null;
        }

        var events = await MapAsync(webhook, receiptId, cancellationToken);
        if (events.Count > 0)
        {
            await ingestor.AppendServerEventsAsync(events, cancellationToken);
        }

        // Recorded after the events are committed: if the append fails, LiveKit's retry applies it.
        var roomSid = webhook.Room?.Sid ?? webhook.EgressInfo?.RoomId;
        await receipts.RecordAsync(receiptId, webhook.Event, roomSid, CancellationToken.None);
        LogApplied(webhook.Event, roomSid, events.Count);
        return events.Count;
    }

    private async Task<IReadOnlyList<EventEnvelope>> MapAsync(LiveKitWebhookEvent w, string receiptId, CancellationToken cancellationToken)
    {
        var at = w.CreatedAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(w.CreatedAt) : clock.GetUtcNow();
        if (w.EgressInfo is { } egress)
        {
            // Egress events carry the room only inside egressInfo.
            return recordings.Enabled && egress is { IsRoomComposite: true, EgressId.Length: > 0 } && Egress.CallRecordings.InLiveKit(egress.RoomId)
                && await KnownAsync(egress.RoomId, cancellationToken)
                ? Egress.RecordingEvents.FromWebhook(w.Event, egress, recordings.Options, at)
                : [];
        }

        if (w.Room is not { Sid.Length: > 0 } room)
        {
            return [];
        }

        var callId = room.Sid;
        var eventId = DerivedId.Of("livekit", receiptId);
        switch (w.Event)
        {
            case "room_started":
                return await KnownAsync(callId, cancellationToken) ? [] : [BridgeEvents.CallStarted(room, null, "livekit-webhook", at)];

            case "participant_joined" when w.Participant is { } p && ParticipantRoles.Of(p) is { } role:
                List<EventEnvelope> joined = [];
                if (p.IsAgent)
                {
                    tracks.RememberAgent(callId, p.Identity);
                    if (p.AudioTrack is { } audio)
                    {
                        tracks.RememberTrack(callId, p.Identity, audio.Sid);
                    }
                }

                if (!await KnownAsync(callId, cancellationToken))
                {
                    joined.Add(BridgeEvents.CallStarted(room, p.IsAgent ? BridgeEvents.AgentName(p) : null, "livekit-webhook", at));
                }

                joined.Add(BridgeEvents.Participant(callId, eventId, joined: true, p, role, at));
                return joined;

            case "participant_left" or "participant_connection_aborted" when w.Participant is { } p && ParticipantRoles.Of(p) is { } role:
                tracks.ForgetAgent(callId, p.Identity);
                var known = live.Find(callId)?.Participants.GetValueOrDefault(p.Identity)?.Role;
                return await KnownAsync(callId, cancellationToken) ? [BridgeEvents.Participant(callId, eventId, joined: false, p, known ?? role, at)] : [];

            case "track_published" when w.Participant is { } p && w.Track is { IsVoice: true } track && IsAgent(callId, p.Identity):
                tracks.RememberTrack(callId, p.Identity, track.Sid);
                return [];

            case "track_unpublished" when w.Track is { } track:
                tracks.ForgetTrack(callId, track.Sid);
                return [];

            case "room_finished":
                tracks.ForgetCall(callId);
                return live.Find(callId) is null
                    ? []
                    : [BridgeEvents.CallEnded(callId, "room_finished", "LiveKit closed the room before the agent reported the end of the call.", at)];

            default:
                return [];
        }
    }

    private bool IsAgent(string callId, string identity) =>
        tracks.IsAgent(callId, identity) || live.Find(callId)?.Participants.GetValueOrDefault(identity)?.Role == "agent";

    private async Task<bool> KnownAsync(string callId, CancellationToken cancellationToken) =>
        live.Find(callId) is not null || (await store.ReadAsync(callId, 0, 1, cancellationToken)).Count > 0;

    [LoggerMessage(EventId = 4201, Level = LogLevel.Debug, Message = "LiveKit webhook {Event} for room {RoomSid}: {Count} event(s) written")]
    private partial void LogApplied(string @event, string? roomSid, int count);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Debug, Message = "LiveKit webhook {Event} {Id} was applied before; ignored")]
    private partial void LogDuplicate(string @event, string id);
}
