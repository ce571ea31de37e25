namespace Switchboard.Sdk.Internal;

/// <summary>A live way to the server: the agent WebSocket or HTTP batches.</summary>
internal interface IBatchTransport : IAsyncDisposable
{
    /// <summary>False once the connection is known to be lost.</summary>
    bool IsOpen { get; }

    /// <summary>For logs: "websocket" or "http".</summary>
    string Name { get; }

    /// <summary>Sends one batch (a JSON array of events) and waits for the server's answer.</summary>
    Task<BatchOutcome> SendAsync(ReadOnlyMemory<byte> eventsArray, TimeSpan ackTimeout, CancellationToken cancellationToken);

    /// <summary>Asks for the commands of these calls (no-op where commands cannot arrive).</summary>
    Task SubscribeAsync(IReadOnlyList<string> callIds, CancellationToken cancellationToken);
}
