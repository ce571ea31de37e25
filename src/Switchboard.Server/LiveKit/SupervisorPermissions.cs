namespace Switchboard.Server.LiveKit;

/// <summary>
/// The permission sets a supervisor moves between. <c>UpdateParticipant</c> replaces the whole set,
/// so each one lists every flag that must be true (LIVEKIT.md §3.7).
/// </summary>
public static class SupervisorPermissions
{
    /// <summary>Listening: hidden, subscribes, publishes nothing, sends no data.</summary>
    public static readonly ParticipantPermission Listen = new(CanSubscribe: true, Hidden: true);

    /// <summary>
    /// Taking over: visible (the caller must be able to subscribe to the supervisor's audio), may
    /// publish the microphone only, still no data.
    /// </summary>
    public static readonly ParticipantPermission Speak = new(CanSubscribe: true, CanPublish: true, CanPublishSources: ["MICROPHONE"]);
}
