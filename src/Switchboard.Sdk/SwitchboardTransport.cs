namespace Switchboard.Sdk;

/// <summary>How the client talks to the server.</summary>
public enum SwitchboardTransport
{
    /// <summary>
    /// The agent WebSocket; when the server (or a proxy) refuses the WebSocket upgrade, HTTP
    /// batches for a while, then the WebSocket again. Commands arrive only over the WebSocket.
    /// </summary>
    Auto,

    /// <summary>The agent WebSocket only.</summary>
    WebSocket,

    /// <summary>HTTP batches only (<c>POST /api/v1/events</c>); no commands are received.</summary>
    Http,
}
