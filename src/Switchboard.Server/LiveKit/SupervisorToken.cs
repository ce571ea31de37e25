namespace Switchboard.Server.LiveKit;

/// <summary>What a supervisor's browser needs to join a call's room.</summary>
/// <param name="Token">The access token.</param>
/// <param name="Url">The LiveKit URL to connect to.</param>
/// <param name="Room">The room name.</param>
/// <param name="Identity">The supervisor's participant identity.</param>
/// <param name="ExpiresAt">When the token stops being accepted for joining.</param>
public sealed record SupervisorToken(string Token, string Url, string Room, string Identity, DateTimeOffset ExpiresAt);
