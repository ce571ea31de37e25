using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;
using Switchboard.Server.LiveKit;

namespace Switchboard.Server.Supervision;

/// <summary>Transfers of a call to a configured destination through LiveKit SIP, recorded as <c>transfer.*</c> events.</summary>
public sealed class CallTransfers(RoomInterventions rooms, InterventionLog log)
{
    /// <summary>
    /// Transfer through LiveKit SIP: cold refers the caller to the destination and ends the call;
    /// warm dials a human into the room and, once they answered, ends the AI's part.
    /// </summary>
    public async Task<InterventionOutcome> TransferAsync(CallState call, Actor actor, string? name, string? mode, string? requestId, CancellationToken cancellationToken)
    {
        if (!rooms.Controls(call))
        {
            var missing = new LiveKitNotConfiguredException();
            return rooms.Configured
                ? InterventionOutcome.Problem(409, "Not a LiveKit call", "This call has no LiveKit room, so it cannot be transferred.")
                : InterventionOutcome.Problem(missing.Status, missing.Title, missing.Message + " Name destinations under Supervision:TransferDestinations.");
        }

        var warm = mode == "warm";
        if (rooms.Destination(name) is not { } destination || mode is not (null or "cold" or "warm")
            || (warm && (destination.SipTrunkId is null || destination.SipCallTo is null)))
        {
            return InterventionOutcome.Problem(400, "Invalid transfer", $"'destination' must be one of: {string.Join(", ", rooms.DestinationNames)}; 'mode' cold or warm (warm needs SipTrunkId and SipCallTo).");
        }

        if (call.TakeoverBy is { } holder && holder != actor.Name)
        {
            return InterventionOutcome.Problem(409, "Call is taken over", $"{holder} holds this call; they must hand it back or transfer it.");
        }

        var how = warm ? "warm" : "cold";
        var seed = InterventionLog.Seed(actor, "transfer", requestId);
        await log.AppendAsync(call.CallId, seed, cancellationToken, (EventTypes.TransferRequested, new TransferData(name, how, By: actor.Name)));
        if (await rooms.TransferAsync(call, name!, destination, warm, cancellationToken) is { } error)
        {
            await log.AppendAsync(call.CallId, seed is null ? null : seed + "|failed", cancellationToken, (EventTypes.TransferFailed, new TransferData(name, how, error, actor.Name)));
            return InterventionOutcome.Problem(502, "Transfer failed", error);
        }

        var commandId = InterventionLog.CommandId(seed);
        var delivered = await log.SendAsync(call.CallId, commandId, CommandTypes.End, new { reason = "transferred", by = actor.Name }, cancellationToken);
        (string, object)[] done = warm
            ? [(EventTypes.TransferCompleted, new TransferData(name, how, By: actor.Name))]
            : [(EventTypes.TransferCompleted, new TransferData(name, how, By: actor.Name)), (EventTypes.CallEnded, new CallEndedData("transferred", $"Transferred to {name} by {actor.Name}."))];
        await log.AppendAsync(call.CallId, seed is null ? null : seed + "|done", cancellationToken, done);
        return InterventionOutcome.Ok(new InterventionResult(call.CallId, "transfer", requestId, commandId, delivered, "voice") { Destination = name });
    }
}
