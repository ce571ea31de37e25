using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Ingest;

/// <summary>
/// One agent WebSocket. Batches are processed in arrival order and each is answered with an
/// <c>ack</c> after commit or a <c>rejected</c>; commands for subscribed calls are pushed down.
/// A single sender task owns the socket's send side.
/// </summary>
internal sealed class AgentConnection(WebSocket socket, EventIngestor ingestor, AgentCommandRouter router)
{
    private const int OutboundCapacity = 4096;
    private readonly Channel<AgentMessage> _outbound = Channel.CreateBounded<AgentMessage>(new BoundedChannelOptions(OutboundCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly HashSet<string> _calls = new(StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sender = SendLoopAsync(cts.Token);
        try
        {
            await ReceiveLoopAsync(cts.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The agent went away; it resends unacknowledged events when it reconnects.
        }
        finally
        {
            foreach (var callId in _calls)
            {
                router.Detach(this, callId);
            }

            _outbound.Writer.TryComplete();
            await cts.CancelAsync();
            try
            {
                await sender;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }
    }

    public bool TrySendCommand(AgentCommand command) =>
        _outbound.Writer.TryWrite(new AgentMessage { Op = AgentOps.Command, Command = command });

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (socket.State == WebSocketState.Open)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                var memory = buffer.GetMemory(8192);
                result = await socket.ReceiveAsync(memory, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
                    return;
                }

                buffer.Advance(result.Count);
                if (buffer.WrittenCount > Limits.MaxBatchBytes)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, $"messages are limited to {Limits.MaxBatchBytes} bytes", cancellationToken);
                    return;
                }
            }
            while (!result.EndOfMessage);

            await HandleAsync(buffer.WrittenMemory, cancellationToken);
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        AgentMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<AgentMessage>(json.Span, ContractJson.Options);
        }
        catch (JsonException ex)
        {
            await EnqueueAsync(Rejected(null, IngestProblems.MalformedJson(ex)), cancellationToken);
            return;
        }

        switch (message?.Op)
        {
            case AgentOps.Events:
                await HandleEventsAsync(message, cancellationToken);
                break;
            case AgentOps.Subscribe or AgentOps.Unsubscribe when CallIdsProblem(message.CallIds) is { } problem:
                await EnqueueAsync(Rejected(message.Ref, problem), cancellationToken);
                break;
            case AgentOps.Subscribe:
                foreach (var callId in message.CallIds ?? [])
                {
                    Attach(callId);
                }

                break;
            case AgentOps.Unsubscribe:
                foreach (var callId in message.CallIds ?? [])
                {
                    if (_calls.Remove(callId))
                    {
                        router.Detach(this, callId);
                    }
                }

                break;
            case AgentOps.Ping:
                await EnqueueAsync(new AgentMessage { Op = AgentOps.Pong, Ref = message.Ref }, cancellationToken);
                break;
            default:
                await EnqueueAsync(Rejected(message?.Ref, IngestProblems.UnknownOp(message?.Op)), cancellationToken);
                break;
        }
    }

    private async Task HandleEventsAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        var events = message.Events ?? [];
        if (events.Count > Limits.MaxBatchEvents)
        {
            await EnqueueAsync(Rejected(message.Ref, IngestProblems.TooManyEvents(events.Count)), cancellationToken);
            return;
        }

        IngestOutcome outcome;
        try
        {
            outcome = await ingestor.IngestAsync(events, fromAgent: true, cancellationToken);
        }
        catch (Storage.EventStoreUnavailableException)
        {
            await EnqueueAsync(Rejected(message.Ref, IngestProblems.StoreUnavailable()), cancellationToken);
            return;
        }
        catch (Storage.EventStoreRefusedException ex)
        {
            await EnqueueAsync(Rejected(message.Ref, IngestProblems.StoreRefused(ex)), cancellationToken);
            return;
        }

        if (outcome.Rejected)
        {
            await EnqueueAsync(Rejected(message.Ref, IngestProblems.InvalidEvents(outcome.Errors!)), cancellationToken);
            return;
        }

        foreach (var e in events)
        {
            if (e!.Type != EventTypes.CallEnded)
            {
                Attach(e.CallId!);
            }
        }

        await EnqueueAsync(new AgentMessage { Op = AgentOps.Ack, Ref = message.Ref, Results = [.. outcome.Acks!] }, cancellationToken);
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails? CallIdsProblem(IReadOnlyList<string?>? callIds)
    {
        if (callIds is null)
        {
            return null;
        }

        if (callIds.Count > Limits.MaxBatchEvents)
        {
            return IngestProblems.TooManyCallIds(callIds.Count);
        }

        for (var i = 0; i < callIds.Count; i++)
        {
            if (CallIds.CallIdProblem(callIds[i]) is { } problem)
            {
                return IngestProblems.InvalidCallId($"callIds[{i}] {problem}.");
            }
        }

        return null;
    }

    private void Attach(string callId)
    {
        if (_calls.Add(callId))
        {
            router.Attach(this, callId);
        }
    }

    private ValueTask EnqueueAsync(AgentMessage message, CancellationToken cancellationToken) =>
        _outbound.Writer.WriteAsync(message, cancellationToken);

    private static AgentMessage Rejected(string? reference, object problem) => new()
    {
        Op = AgentOps.Rejected,
        Ref = reference,
        Problem = JsonSerializer.SerializeToElement(problem, ContractJson.Options),
    };

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
        {
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                JsonSerializer.Serialize(writer, message, ContractJson.Options);
            }

            await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
    }
}
