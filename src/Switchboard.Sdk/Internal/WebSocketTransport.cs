using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;

namespace Switchboard.Sdk.Internal;

/// <summary>
/// The agent WebSocket (<c>GET /api/v1/agent/ws</c>). One batch is in flight at a time (the sender
/// waits for its acknowledgement), which keeps each call's events in order even when the server
/// refuses a batch. A receive loop matches acknowledgements and hands commands over.
/// </summary>
internal sealed class WebSocketTransport : IBatchTransport
{
    private static readonly byte[] EventsPrefix = "{\"op\":\"events\",\"ref\":\""u8.ToArray();
    private readonly ClientWebSocket _socket;
    private readonly Action<AgentCommand> _onCommand;
    private readonly Action _onClosed;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _message = new(64 * 1024);
    private readonly CancellationTokenSource _closing = new();
    private TaskCompletionSource<BatchOutcome>? _pending;
    private string _pendingRef = "";
    private long _nextRef;
    private Task _receiver = Task.CompletedTask;
    private volatile bool _open = true;

    private WebSocketTransport(ClientWebSocket socket, Action<AgentCommand> onCommand, Action onClosed)
    {
        _socket = socket;
        _onCommand = onCommand;
        _onClosed = onClosed;
    }

    public bool IsOpen => _open && _socket.State == WebSocketState.Open;

    public string Name => "websocket";

    /// <summary>Connects; throws <see cref="WebSocketException"/> with the HTTP status when the upgrade is refused.</summary>
    public static async Task<WebSocketTransport> ConnectAsync(
        Uri serverUrl, string apiKey, HttpMessageInvoker invoker, Action<AgentCommand> onCommand, Action onClosed, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + apiKey);
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(30);
        socket.Options.CollectHttpResponseDetails = true;
        var builder = new UriBuilder(serverUrl) { Scheme = serverUrl.Scheme == "https" ? "wss" : "ws" };
        builder.Path = builder.Path.TrimEnd('/') + "/api/v1/agent/ws";
        try
        {
            await socket.ConnectAsync(builder.Uri, invoker, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            throw new WebSocketUpgradeException(status);
        }

        var transport = new WebSocketTransport(socket, onCommand, onClosed);
        transport._receiver = Task.Run(transport.ReceiveLoopAsync, CancellationToken.None);
        return transport;
    }

    public async Task<BatchOutcome> SendAsync(ReadOnlyMemory<byte> eventsArray, TimeSpan ackTimeout, CancellationToken cancellationToken)
    {
        var reference = (++_nextRef).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pending = new TaskCompletionSource<BatchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pendingRef, reference);
        Volatile.Write(ref _pending, pending);
        if (!IsOpen)
        {
            return BatchOutcome.Disconnected("the WebSocket is closed");
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _message.ResetWrittenCount();
            _message.Write(EventsPrefix);
            Encoding.UTF8.GetBytes(reference, _message);
            _message.Write("\",\"events\":"u8);
            _message.Write(eventsArray.Span);
            _message.Write("}"u8);
            await _socket.SendAsync(_message.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            Lost();
            return BatchOutcome.Disconnected(ex.Message);
        }
        finally
        {
            _sendLock.Release();
        }

        try
        {
            return await pending.Task.WaitAsync(ackTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Lost();
            return BatchOutcome.Disconnected($"no acknowledgement within {ackTimeout.TotalSeconds:0.#} s");
        }
    }

    public async Task SubscribeAsync(IReadOnlyList<string> callIds, CancellationToken cancellationToken)
    {
        for (var i = 0; i < callIds.Count; i += 1000)
        {
            var message = new AgentMessage { Op = AgentOps.Subscribe, CallIds = [.. callIds.Skip(i).Take(1000)] };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(message, ContractJson.Options);
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
            {
                Lost();
                return;
            }
            finally
            {
                _sendLock.Release();
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(8192), _closing.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage);

                Handle(buffer.WrittenSpan);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            Lost();
        }
    }

    private void Handle(ReadOnlySpan<byte> json)
    {
        AgentMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<AgentMessage>(json, ContractJson.Options);
        }
        catch (JsonException)
        {
            return;
        }

        switch (message?.Op)
        {
            case AgentOps.Ack when message.Ref == Volatile.Read(ref _pendingRef):
                Volatile.Read(ref _pending)?.TrySetResult(new BatchOutcome(OutcomeKind.Acked, message.Results ?? []));
                break;
            case AgentOps.Rejected when message.Ref == Volatile.Read(ref _pendingRef):
                Volatile.Read(ref _pending)?.TrySetResult(ProblemReader.Classify(message.Problem ?? default));
                break;
            case AgentOps.Command when message.Command is { } command:
                _onCommand(command);
                break;
        }
    }

    private void Lost()
    {
        if (!_open)
        {
            return;
        }

        _open = false;
        Volatile.Read(ref _pending)?.TrySetResult(BatchOutcome.Disconnected("the WebSocket closed"));
        _onClosed();
    }

    public async ValueTask DisposeAsync()
    {
        _open = false;
        Volatile.Read(ref _pending)?.TrySetResult(BatchOutcome.Disconnected("the client closed the WebSocket"));
        await _closing.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        await _receiver.ConfigureAwait(false);
        _socket.Dispose();
        _closing.Dispose();
        _sendLock.Dispose();
    }
}
