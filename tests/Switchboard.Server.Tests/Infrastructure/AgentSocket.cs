using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>A raw agent WebSocket speaking the protocol of docs/PROTOCOL.md.</summary>
public sealed class AgentSocket : IAsyncDisposable
{
    private readonly WebSocket _socket;

    private AgentSocket(WebSocket socket) => _socket = socket;

    public static async Task<AgentSocket> ConnectAsync(SwitchboardApp app, string key, CancellationToken cancellationToken)
    {
        var client = app.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers.Authorization = "Bearer " + key;
        var socket = await client.ConnectAsync(new Uri(app.Server.BaseAddress, "/api/v1/agent/ws"), cancellationToken);
        return new AgentSocket(socket);
    }

    public Task SendAsync(object message, CancellationToken cancellationToken) =>
        _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, ContractJson.Options), WebSocketMessageType.Text, true, cancellationToken);

    public Task SendRawAsync(string text, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    public Task SendBytesAsync(byte[] message, CancellationToken cancellationToken) =>
        _socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken);

    public async Task<AgentMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return JsonSerializer.Deserialize<AgentMessage>(message.ToArray(), ContractJson.Options)!;
    }

    /// <summary>Receives until a message with the given op arrives.</summary>
    public async Task<AgentMessage> ReceiveOpAsync(string op, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken);
            if (message.Op == op)
            {
                return message;
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

        _socket.Dispose();
    }
}
