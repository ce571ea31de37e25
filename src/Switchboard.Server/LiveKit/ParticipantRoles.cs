using Switchboard.Contracts.Events;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// The role of a LiveKit participant on a call: agents by kind AGENT; anyone else by the
/// <c>switchboard.role</c> attribute when it names a known role (supervisor tokens carry it);
/// otherwise the customer. Egress participants (recorders) are not on the call.
/// </summary>
public static class ParticipantRoles
{
    /// <summary>The role, or null when the participant is not a party to the call.</summary>
    public static string? Of(LiveKitParticipant participant)
    {
        if (participant.Kind == "EGRESS")
        {
            return null;
        }

        if (participant.IsAgent)
        {
            return "agent";
        }

        return participant.Attributes.TryGetValue(LiveKitTokens.RoleAttribute, out var role) && Vocabulary.ParticipantRoles.Contains(role)
            ? role
            : "customer";
    }

    /// <summary>LiveKit's kind as Switchboard records it: the lower-case enum name.</summary>
    public static string KindName(LiveKitParticipant participant) => participant.Kind.ToLowerInvariant();
}
