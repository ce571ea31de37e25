namespace Switchboard.Server.LiveKit;

/// <summary>The server API was needed but <c>LiveKit:Url</c>, <c>ApiKey</c> and <c>ApiSecret</c> are not set.</summary>
public sealed class LiveKitNotConfiguredException()
    : LiveKitBridgeException(
        "LiveKit is not configured",
        "This needs the LiveKit server API: set LiveKit:Url, LiveKit:ApiKey and LiveKit:ApiSecret (environment variables LiveKit__Url, LiveKit__ApiKey, LiveKit__ApiSecret) and restart.",
        StatusCodes.Status409Conflict);
