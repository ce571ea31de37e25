using Microsoft.Extensions.Options;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;
using Switchboard.Server.LiveKit;

namespace Switchboard.Server.Supervision;

/// <summary>
/// The LiveKit half of interventions, for calls that live in a LiveKit room while the server API is
/// configured: listen tokens, muting the agent and letting the supervisor speak, SIP transfers and
/// deleting the room. Each method answers null when it succeeded, or the problem to show.
/// </summary>
public sealed class RoomInterventions(LiveKitRoomControl rooms, LiveKitServerApi api, IOptions<SupervisionOptions> options)
{
    /// <summary>True when the LiveKit server API is configured.</summary>
    public bool Configured => rooms.Configured;

    /// <summary>True when the call's audio can be controlled through LiveKit.</summary>
    public bool Controls(CallState call) => rooms.Configured && call.RoomName is { Length: > 0 };

    /// <summary>A hidden, subscribe-only token for the supervisor.</summary>
    public Task<SupervisorToken> ListenTokenAsync(CallState call, Actor actor, CancellationToken cancellationToken) =>
        rooms.MintListenTokenAsync(call.CallId, actor.Name, actor.Name, cancellationToken);

    /// <summary>
    /// Mutes the agent's voice, then lets the supervisor publish their microphone. If the second
    /// step fails the mute is undone; <c>AgentLeftMuted</c> says the undo was refused too (LiveKit
    /// without remote unmute), so the agent must unmute itself.
    /// </summary>
    public async Task<(InterventionOutcome? Problem, bool AgentLeftMuted)> TakeOverAsync(CallState call, Actor actor, CancellationToken cancellationToken)
    {
        try
        {
            await rooms.SetAgentMutedAsync(call.CallId, muted: true, cancellationToken);
        }
        catch (LiveKitBridgeException ex)
        {
            return (Problem(ex), false);
        }

        try
        {
            await rooms.SetSupervisorSpeakingAsync(call.CallId, LiveKitRoomControl.SupervisorIdentity(actor.Name), speaking: true, cancellationToken);
            return (null, false);
        }
        catch (LiveKitBridgeException ex)
        {
            var unmuted = await TryUnmuteAsync(call.CallId, cancellationToken);
            return (ex is LiveKitApiException { Code: "not_found" }
                ? InterventionOutcome.Problem(409, "Join the room first", "You are not in the call's LiveKit room: listen, connect with the listen token, then take over.")
                : Problem(ex), !unmuted);
        }
    }

    /// <summary>
    /// Puts the supervisor back to silent listening and unmutes the agent. When LiveKit does not
    /// allow remote unmuting, the answer says so: the agent unmutes itself on <c>resume</c>.
    /// </summary>
    public async Task<(InterventionOutcome? Problem, bool AgentUnmuted)> HandBackAsync(CallState call, Actor actor, CancellationToken cancellationToken)
    {
        try
        {
            await rooms.SetSupervisorSpeakingAsync(call.CallId, LiveKitRoomControl.SupervisorIdentity(actor.Name), speaking: false, cancellationToken);
        }
        catch (LiveKitApiException ex) when (ex.Code == "not_found")
        {
            // The supervisor already left the room: nothing to revoke.
        }
        catch (LiveKitBridgeException ex)
        {
            return (Problem(ex), false);
        }

        return (null, await TryUnmuteAsync(call.CallId, cancellationToken));
    }

    /// <summary>Deletes the call's room; a problem only when LiveKit refused.</summary>
    public async Task<string?> DeleteRoomAsync(CallState call, CancellationToken cancellationToken)
    {
        try
        {
            await rooms.DeleteRoomAsync(call.CallId, cancellationToken);
            return null;
        }
        catch (LiveKitBridgeException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The configured destination, or null.</summary>
    public TransferDestination? Destination(string? name) =>
        name is not null && options.Value.TransferDestinations.TryGetValue(name, out var d) ? d : null;

    /// <summary>Names of the configured destinations.</summary>
    public IEnumerable<string> DestinationNames => options.Value.TransferDestinations.Keys;

    /// <summary>The configured destinations, by name, for the control bar's picker.</summary>
    public IReadOnlyList<TransferDestinationView> Destinations() => options.Value.TransferDestinations
        .OrderBy(d => d.Key, StringComparer.OrdinalIgnoreCase)
        .Select(d => new TransferDestinationView(d.Key, d.Value.Description, d.Value.SipTrunkId is not null && d.Value.SipCallTo is not null))
        .ToList();

    /// <summary>Cold: refers the caller to the destination. Warm: dials the human into the room and waits until they answer.</summary>
    public async Task<string?> TransferAsync(CallState call, string name, TransferDestination destination, bool warm, CancellationToken cancellationToken)
    {
        try
        {
            if (!warm)
            {
                var outcome = await rooms.TransferAsync(call.CallId, destination.TransferTo, null, playDialtone: false, cancellationToken);
                return outcome.Succeeded ? null : $"Transfer {outcome.Status}: SIP {outcome.SipStatusCode} {outcome.SipStatus} {outcome.Reason}".Trim();
            }

            var room = await rooms.RoomOfAsync(call.CallId, cancellationToken);
            await api.CreateSipParticipantAsync(
                new CreateSipParticipantRequest(
                    destination.SipTrunkId!,
                    destination.SipCallTo!,
                    room,
                    ParticipantIdentity: "human-" + name,
                    ParticipantName: destination.Description ?? name,
                    ParticipantAttributes: new Dictionary<string, string> { [LiveKitTokens.RoleAttribute] = "human_agent" },
                    WaitUntilAnswered: true),
                cancellationToken);
            return null;
        }
        catch (LiveKitApiException ex) when (ex.SipStatusCode is { } sip)
        {
            return $"SIP {sip} {ex.SipStatus}: {ex.TwirpMessage}";
        }
        catch (LiveKitBridgeException ex)
        {
            return ex.Message;
        }
    }

    private async Task<bool> TryUnmuteAsync(string callId, CancellationToken cancellationToken)
    {
        try
        {
            await rooms.SetAgentMutedAsync(callId, muted: false, cancellationToken);
            return true;
        }
        catch (LiveKitBridgeException)
        {
            return false;
        }
    }

    private static InterventionOutcome Problem(LiveKitBridgeException ex) => InterventionOutcome.Problem(ex.Status, ex.Title, ex.Message);
}
