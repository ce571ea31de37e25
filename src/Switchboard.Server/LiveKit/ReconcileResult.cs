namespace Switchboard.Server.LiveKit;

/// <summary>What one reconciliation pass found.</summary>
/// <param name="Rooms">Rooms LiveKit listed.</param>
/// <param name="Ended">Active calls ended because their room is gone.</param>
/// <param name="Discovered">Rooms with an agent that became calls.</param>
public sealed record ReconcileResult(int Rooms, int Ended, int Discovered);
