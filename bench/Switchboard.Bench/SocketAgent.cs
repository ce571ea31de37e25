using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace Switchboard.Bench;

/// <summary>A load-generating agent on the WebSocket: sends batches, matches acks by ref.</summary>
internal sealed class SocketAgent : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<string, (long Started, TaskCompletionSource<int> Done)> _inFlight = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task? _receiver;
    private long _next;

    public long Acked;

    public static async Task<SocketAgent> ConnectAsync(Uri baseAddress, string key, CancellationToken cancellationToken)
    {
        var agent = new SocketAgent();
        agent._socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        var ws = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/api/v1/agent/ws" }.Uri;
        await agent._socket.ConnectAsync(ws, cancellationToken);
        agent._receiver = agent.ReceiveLoopAsync();
        return agent;
    }

    /// <summary>Sends a batch and completes when it is acknowledged; the latency goes to <paramref name="latency"/>.</summary>
    public async Task SendAsync(IReadOnlyCollection<string> events, Percentiles? latency, CancellationToken cancellationToken)
    {
        var reference = "r" + Interlocked.Increment(ref _next);
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inFlight[reference] = (Stopwatch.GetTimestamp(), done);
        var bytes = WireEvents.SocketBatch(reference, events);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }

        var count = await done.Task.WaitAsync(cancellationToken);
        Interlocked.Add(ref Acked, count);
        latency?.Add(Stopwatch.GetElapsedTime(_inFlight.TryRemove(reference, out var f) ? f.Started : 0).TotalMilliseconds);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                using var doc = JsonDocument.Parse(buffer.AsMemory(0, length));
                var root = doc.RootElement;
                if (root.TryGetProperty("ref", out var r) && r.GetString() is { } reference && _inFlight.TryGetValue(reference, out var f))
                {
                    if (root.GetProperty("op").GetString() == "ack")
                    {
                        f.Done.TrySetResult(root.GetProperty("results").GetArrayLength());
                    }
                    else
                    {
                        f.Done.TrySetException(new InvalidOperationException("batch rejected: " + root.GetRawText()));
                    }
                }
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            // The connection is gone (its node died, say): no batch still in flight will be
            // acknowledged on it, so each fails and its sender can send it elsewhere.
            foreach (var (_, f) in _inFlight)
            {
                f.Done.TrySetException(new WebSocketException(WebSocketError.ConnectionClosedPrematurely));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        if (_receiver is not null)
        {
            await _receiver.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _socket.Dispose();
        _sendLock.Dispose();
    }
}
