namespace Switchboard.Sdk.Internal;

/// <summary>The WebSocket could not be opened; <see cref="Status"/> is the HTTP status, 0 when the server was not reached.</summary>
internal sealed class WebSocketUpgradeException(int status)
    : Exception(status == 0 ? "the server could not be reached" : $"the WebSocket upgrade was refused with HTTP {status}")
{
    public int Status { get; } = status;
}
