using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>A raw WebSocket agent that pumps acknowledgements and commands into queues (for command-channel tests).</summary>
public sealed class CommandAgent : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly WebSocket _socket;
    private readonly Channel<AgentMessage> _acks = Channel.CreateUnbounded<AgentMessage>();
    private readonly Channel<AgentCommand> _commands = Channel.CreateUnbounded<AgentCommand>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiver;
    private int _ref;

    private CommandAgent(WebSocket socket)
    {
        _socket = socket;
        _receiver = Task.Run(ReceiveAsync);
    }

    public static async Task<CommandAgent> ConnectAsync(SwitchboardApp app, string agentKey)
    {
        var client = app.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers.Authorization = "Bearer " + agentKey;
        using var timeout = new CancellationTokenSource(Wait);
        var socket = await client.ConnectAsync(new Uri("ws://localhost/api/v1/agent/ws"), timeout.Token);
        return new CommandAgent(socket);
    }

    /// <summary>Sends events and waits for their acknowledgement.</summary>
    public async Task<AgentMessage> SendAsync(params EventEnvelope[] events)
    {
        var reference = "r" + Interlocked.Increment(ref _ref);
        var json = JsonSerializer.SerializeToUtf8Bytes(new AgentMessage { Op = AgentOps.Events, Ref = reference, Events = [.. events] }, ContractJson.Options);
        using var timeout = new CancellationTokenSource(Wait);
        await _socket.SendAsync(json, WebSocketMessageType.Text, true, timeout.Token);
        while (true)
        {
            var message = await _acks.Reader.ReadAsync(timeout.Token);
            if (message.Ref == reference)
            {
                Assert.Equal(AgentOps.Ack, message.Op);
                return message;
            }
        }
    }

    /// <summary>Asks for the commands of a call on this connection (as an agent does after reconnecting).</summary>
    public async Task SubscribeAsync(string callId)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new AgentMessage { Op = AgentOps.Subscribe, CallIds = [callId] }, ContractJson.Options);
        using var timeout = new CancellationTokenSource(Wait);
        await _socket.SendAsync(json, WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>The next command pushed to this agent (fails after a timeout).</summary>
    public async Task<AgentCommand> NextCommandAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? Wait);
        return await _commands.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The next command of a type, skipping others.</summary>
    public async Task<AgentCommand> NextCommandAsync(string type)
    {
        while (true)
        {
            var command = await NextCommandAsync();
            if (command.Type == type)
            {
                return command;
            }
        }
    }

    /// <summary>True when no command arrives within a short while.</summary>
    public bool HasPendingCommand => _commands.Reader.TryPeek(out _);

    /// <summary>Acknowledges a command as applied.</summary>
    public Task<AgentMessage> AckAsync(AgentCommand command) =>
        SendAsync(AgentEvents.Make(command.CallId, EventTypes.CommandAcked, new { commandId = command.CommandId, ok = true }));

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                var parsed = JsonSerializer.Deserialize<AgentMessage>(message.ToArray(), ContractJson.Options)!;
                if (parsed.Op == AgentOps.Command)
                {
                    await _commands.Writer.WriteAsync(parsed.Command!);
                }
                else
                {
                    await _acks.Writer.WriteAsync(parsed);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _acks.Writer.TryComplete();
            _commands.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        await _receiver;
        _socket.Dispose();
        _stop.Dispose();
    }

    /// <summary>Decodes a text field of a command's data.</summary>
    public static string? Field(AgentCommand command, string name) =>
        command.Data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
