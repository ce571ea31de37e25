using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;

namespace Switchboard.Bench.Supervision;

/// <summary>An agent on the WebSocket that escalates and notes when each answer command arrives.</summary>
internal sealed class EscalatingAgent : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _acks = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task? _receiver;
    private long _ref;

    public static async Task<EscalatingAgent> ConnectAsync(Uri baseAddress, string key, CancellationToken cancellationToken)
    {
        var agent = new EscalatingAgent();
        agent._socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        await agent._socket.ConnectAsync(new UriBuilder(baseAddress) { Scheme = "ws", Path = "/api/v1/agent/ws" }.Uri, cancellationToken);
        agent._receiver = agent.ReceiveAsync();
        return agent;
    }

    /// <summary>Sends events and waits for their acknowledgement.</summary>
    public async Task SendAsync(CancellationToken cancellationToken, params EventEnvelope[] events)
    {
        var reference = "r" + Interlocked.Increment(ref _ref);
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _acks[reference] = acked;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new AgentMessage { Op = AgentOps.Events, Ref = reference, Events = [.. events] }, ContractJson.Options);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }

        await acked.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>Completes with the Stopwatch timestamp at which the answer to <paramref name="requestId"/> arrived.</summary>
    public Task<long> AnswerArrival(string requestId) =>
        _answers.GetOrAdd(requestId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                var arrived = Stopwatch.GetTimestamp();
                var parsed = JsonSerializer.Deserialize<AgentMessage>(message.ToArray(), ContractJson.Options);
                if (parsed?.Op == AgentOps.Command && parsed.Command is { Type: CommandTypes.EscalationAnswer } command)
                {
                    var data = command.Data.Deserialize<EscalationAnswerData>(ContractJson.Options)!;
                    _answers.GetOrAdd(data.RequestId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(arrived);
                }
                else if (parsed?.Op is AgentOps.Ack or AgentOps.Rejected && parsed.Ref is { } reference && _acks.TryRemove(reference, out var ack))
                {
                    ack.TrySetResult();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Closed at the end of the run.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        if (_receiver is not null)
        {
            await _receiver;
        }

        _socket.Dispose();
        _sendLock.Dispose();
    }
}
