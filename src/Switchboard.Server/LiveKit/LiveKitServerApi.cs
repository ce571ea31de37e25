using Microsoft.Extensions.Options;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// The LiveKit server API: RoomService, SIP, AgentDispatchService and Egress (LIVEKIT.md §3). Each request
/// carries its own short-lived token with exactly the grants of §1.9. Only requests that are safe to
/// repeat are retried: reads, mute, permission and attribute updates, removals. SendData, SIP,
/// dispatch and starting an egress are sent once.
/// </summary>
public sealed class LiveKitServerApi(TwirpClient twirp, LiveKitTokens tokens, IOptions<LiveKitOptions> options)
{
    private const string Room = "livekit.RoomService/";
    private const string Sip = "livekit.SIP/";
    private const string Dispatch = "livekit.AgentDispatchService/";
    private const string EgressService = "livekit.Egress/";
    private static readonly VideoGrant Record = new() { RoomRecord = true };

    // With wait_until_answered the server itself waits up to 80 s (LIVEKIT.md §3.12).
    private const double AnsweredDialSeconds = 90;

    /// <summary>True when URL, key and secret are configured.</summary>
    public bool Configured => options.Value.ApiConfigured;

    public async Task<IReadOnlyList<LiveKitRoom>> ListRoomsAsync(IReadOnlyList<string>? names, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(Room + "ListRooms", new ListRoomsRequest(names is { Count: > 0 } ? names : null),
            new VideoGrant { RoomList = true }, null, true, Normal, cancellationToken);
        return answer.List("rooms", LiveKitRoom.Read);
    }

    public async Task<IReadOnlyList<LiveKitParticipant>> ListParticipantsAsync(string room, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(Room + "ListParticipants", new RoomRequest(room), Admin(room), null, true, Normal, cancellationToken);
        return answer.List("participants", LiveKitParticipant.Read);
    }

    public async Task<LiveKitParticipant> GetParticipantAsync(string room, string identity, CancellationToken cancellationToken) =>
        LiveKitParticipant.Read(await CallAsync(Room + "GetParticipant", new RoomParticipantIdentity(room, identity), Admin(room), null, true, Normal, cancellationToken));

    public async Task<LiveKitTrack> MutePublishedTrackAsync(string room, string identity, string trackSid, bool muted, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(Room + "MutePublishedTrack", new MuteRoomTrackRequest(room, identity, trackSid, muted), Admin(room), null, true, Normal, cancellationToken);
        return LiveKitTrack.Read(answer.Obj("track"));
    }

    public async Task<LiveKitParticipant> UpdateParticipantAsync(UpdateParticipantRequest request, CancellationToken cancellationToken) =>
        LiveKitParticipant.Read(await CallAsync(Room + "UpdateParticipant", request, Admin(request.Room), null, true, Normal, cancellationToken));

    public Task RemoveParticipantAsync(string room, string identity, CancellationToken cancellationToken) =>
        CallAsync(Room + "RemoveParticipant", new RoomParticipantIdentity(room, identity), Admin(room), null, true, Normal, cancellationToken);

    public Task DeleteRoomAsync(string room, CancellationToken cancellationToken) =>
        CallAsync(Room + "DeleteRoom", new RoomRequest(room), new VideoGrant { RoomCreate = true }, null, true, Normal, cancellationToken);

    /// <summary>Sends a reliable user data packet (not a text stream: LIVEKIT.md §7.3). Sent once, with a nonce for receivers to de-duplicate.</summary>
    public Task SendDataAsync(string room, byte[] data, string? topic, IReadOnlyList<string>? destinationIdentities, CancellationToken cancellationToken) =>
        CallAsync(Room + "SendData", new SendDataRequest(room, data, destinationIdentities is { Count: > 0 } ? destinationIdentities : null, topic, Guid.NewGuid().ToByteArray()),
            Admin(room), null, false, Normal, cancellationToken);

    /// <summary>Transfers a SIP participant (SIP REFER). Needs <c>sip.call</c> and admin of the room.</summary>
    public async Task<SipTransferOutcome> TransferSipParticipantAsync(TransferSipParticipantRequest request, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(Sip + "TransferSIPParticipant", request, Admin(request.RoomName), new SipGrant(Call: true), false, Dialing, cancellationToken);
        return SipTransferOutcome.Read(answer);
    }

    /// <summary>Dials out and puts the callee in a room. Needs <c>sip.call</c>.</summary>
    public async Task<SipParticipantInfo> CreateSipParticipantAsync(CreateSipParticipantRequest request, CancellationToken cancellationToken)
    {
        var o = options.Value;
        return SipParticipantInfo.Read(await CallAsync(Sip + "CreateSIPParticipant", request, null, new SipGrant(Call: true), false,
            request.WaitUntilAnswered ? TimeSpan.FromSeconds(Math.Max(o.SipTimeoutSeconds, AnsweredDialSeconds)) : Dialing, cancellationToken));
    }

    /// <summary>Dispatches an agent to a room. Sent once: a repeat would dispatch a second agent.</summary>
    public async Task<AgentDispatchInfo> CreateDispatchAsync(CreateAgentDispatchRequest request, CancellationToken cancellationToken) =>
        AgentDispatchInfo.Read(await CallAsync(Dispatch + "CreateDispatch", request, Admin(request.Room), null, false, Normal, cancellationToken));

    /// <summary>Starts recording a room. Sent once: a repeat would start a second recording.</summary>
    public async Task<Egress.LiveKitEgress> StartRoomCompositeEgressAsync(Egress.RoomCompositeEgressRequest request, CancellationToken cancellationToken) =>
        Egress.LiveKitEgress.Read(await CallAsync(EgressService + "StartRoomCompositeEgress", request, Record, null, false, Normal, cancellationToken));

    /// <summary>Stops a recording; Egress then finishes the file and reports it (egress_ended).</summary>
    public async Task<Egress.LiveKitEgress> StopEgressAsync(string egressId, CancellationToken cancellationToken) =>
        Egress.LiveKitEgress.Read(await CallAsync(EgressService + "StopEgress", new Egress.StopEgressRequest(egressId), Record, null, true, Normal, cancellationToken));

    private static VideoGrant Admin(string room) => new() { RoomAdmin = true, Room = room };

    private TimeSpan Normal => TimeSpan.FromSeconds(options.Value.RequestTimeoutSeconds);

    private TimeSpan Dialing => TimeSpan.FromSeconds(options.Value.SipTimeoutSeconds);

    private Task<ProtoObject> CallAsync<TRequest>(
        string method, TRequest body, VideoGrant? video, SipGrant? sip, bool safeToRepeat, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var token = tokens.MintServerApiToken(video, sip);
        return twirp.CallAsync(method, body, token, safeToRepeat, timeout, cancellationToken);
    }
}
