using Switchboard.Server.Calls;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// What supervision does to a call's LiveKit room: mute or unmute the agent, let a supervisor speak
/// or return to listening, transfer or dial out over SIP, remove a participant, end the room, mint a
/// listen token. Calls are addressed by call id (the room SID); room names are resolved here.
/// Failures are <see cref="LiveKitBridgeException"/>s (problem-details ready).
/// </summary>
public sealed class LiveKitRoomControl(LiveKitServerApi api, LiveKitTokens tokens, LiveCalls live, AgentTracks tracks)
{
    /// <summary>True when the server API is configured.</summary>
    public bool Configured => api.Configured;

    /// <summary>Mutes (or unmutes) the agent's voice track, so a supervisor can speak instead.</summary>
    public async Task<LiveKitTrack> SetAgentMutedAsync(string callId, bool muted, CancellationToken cancellationToken)
    {
        var room = await RoomOfAsync(callId, cancellationToken);
        var known = tracks.Find(callId);
        if (known is { TrackSid: { } sid })
        {
            try
            {
                return await api.MutePublishedTrackAsync(room, known.Identity, sid, muted, cancellationToken);
            }
            catch (LiveKitApiException ex) when (ex.Code == "not_found")
            {
                // The agent republished or reconnected since: look again.
                tracks.ForgetCall(callId);
            }
        }

        var participants = await api.ListParticipantsAsync(room, cancellationToken);
        var agent = participants.FirstOrDefault(p => p.IsAgent && p.AudioTrack is not null)
            ?? throw new LiveKitBridgeException(
                "The agent has no audio track",
                $"No agent participant in LiveKit room '{room}' (call {callId}) publishes audio, so there is nothing to mute.",
                StatusCodes.Status409Conflict);
        var track = agent.AudioTrack!;
        tracks.RememberTrack(callId, agent.Identity, track.Sid);
        return await api.MutePublishedTrackAsync(room, agent.Identity, track.Sid, muted, cancellationToken);
    }

    /// <summary>Lets a supervisor speak (take-over) or puts them back to silent listening (hand-back).</summary>
    public async Task<LiveKitParticipant> SetSupervisorSpeakingAsync(string callId, string identity, bool speaking, CancellationToken cancellationToken) =>
        await UpdatePermissionsAsync(callId, identity, speaking ? SupervisorPermissions.Speak : SupervisorPermissions.Listen, cancellationToken);

    /// <summary>Replaces a participant's permissions.</summary>
    public async Task<LiveKitParticipant> UpdatePermissionsAsync(string callId, string identity, ParticipantPermission permission, CancellationToken cancellationToken)
    {
        var room = await RoomOfAsync(callId, cancellationToken);
        return await api.UpdateParticipantAsync(new UpdateParticipantRequest(room, identity, Permission: permission), cancellationToken);
    }

    /// <summary>
    /// Transfers the caller (the room's SIP participant, unless an identity is given) to a
    /// <c>tel:</c> or <c>sip:</c> URI. A refused transfer is a <see cref="LiveKitApiException"/> with the SIP status.
    /// </summary>
    public async Task<SipTransferOutcome> TransferAsync(
        string callId, string transferTo, string? participantIdentity, bool playDialtone, CancellationToken cancellationToken)
    {
        var room = await RoomOfAsync(callId, cancellationToken);
        var identity = participantIdentity;
        if (string.IsNullOrEmpty(identity))
        {
            var participants = await api.ListParticipantsAsync(room, cancellationToken);
            identity = participants.FirstOrDefault(p => p.Kind == "SIP")?.Identity
                ?? throw new LiveKitBridgeException(
                    "No phone caller to transfer",
                    $"LiveKit room '{room}' (call {callId}) has no SIP participant; name the participant to transfer.",
                    StatusCodes.Status409Conflict);
        }

        return await api.TransferSipParticipantAsync(new TransferSipParticipantRequest(identity, room, transferTo, playDialtone), cancellationToken);
    }

    /// <summary>Dials a number through an outbound SIP trunk into the call's room (e.g. a human agent for a warm transfer).</summary>
    public async Task<SipParticipantInfo> DialOutAsync(
        string callId, string sipTrunkId, string number, string identity, string? name, CancellationToken cancellationToken)
    {
        var room = await RoomOfAsync(callId, cancellationToken);
        var attributes = new Dictionary<string, string> { [LiveKitTokens.RoleAttribute] = "human_agent" };
        return await api.CreateSipParticipantAsync(
            new CreateSipParticipantRequest(sipTrunkId, number, room, ParticipantIdentity: identity, ParticipantName: name, ParticipantAttributes: attributes),
            cancellationToken);
    }

    /// <summary>Removes a participant; one already gone is not an error.</summary>
    public async Task RemoveParticipantAsync(string callId, string identity, CancellationToken cancellationToken)
    {
        var room = await RoomOfAsync(callId, cancellationToken);
        try
        {
            await api.RemoveParticipantAsync(room, identity, cancellationToken);
        }
        catch (LiveKitApiException ex) when (ex.Code == "not_found")
        {
        }
    }

    /// <summary>Ends the call for everyone by deleting its room; a room already gone is not an error.</summary>
    public async Task DeleteRoomAsync(string callId, CancellationToken cancellationToken)
    {
        var room = await RoomOfAsync(callId, cancellationToken);
        try
        {
            await api.DeleteRoomAsync(room, cancellationToken);
        }
        catch (LiveKitApiException ex) when (ex.Code == "not_found")
        {
        }
    }

    /// <summary>A token for a supervisor to join the call's room hidden and silent.</summary>
    public async Task<SupervisorToken> MintListenTokenAsync(string callId, string user, string? displayName, CancellationToken cancellationToken)
    {
        var room = await RoomOfAsync(callId, cancellationToken);
        return tokens.MintListenToken(room, SupervisorIdentity(user), displayName ?? user);
    }

    /// <summary>The participant identity of a supervisor in rooms.</summary>
    public static string SupervisorIdentity(string user) => "supervisor-" + user;

    /// <summary>The room name of a call: from its state, else by looking its SID up in LiveKit.</summary>
    public async Task<string> RoomOfAsync(string callId, CancellationToken cancellationToken)
    {
        if (!api.Configured)
        {
            throw new LiveKitNotConfiguredException();
        }

        if (live.Find(callId)?.RoomName is { Length: > 0 } name)
        {
            return name;
        }

        var rooms = await api.ListRoomsAsync(null, cancellationToken);
        return rooms.FirstOrDefault(r => r.Sid == callId)?.Name
            ?? throw new LiveKitBridgeException(
                "The call has no LiveKit room",
                $"No LiveKit room has the SID '{callId}': the call is not in LiveKit, or its room has closed.",
                StatusCodes.Status404NotFound);
    }
}
