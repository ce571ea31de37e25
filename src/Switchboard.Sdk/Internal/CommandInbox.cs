using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts.Commands;
using Switchboard.Sdk.Commands;

namespace Switchboard.Sdk.Internal;

/// <summary>
/// The commands of one call: de-duplicated (the server redelivers until acknowledged), handed to
/// escalation waiters, typed handlers or the <c>ReadCommandsAsync</c> stream.
/// </summary>
internal sealed class CommandInbox(CallReporter call, ILogger logger)
{
    private const int Remembered = 256;
    private readonly Channel<SwitchboardCommand> _channel = Channel.CreateBounded<SwitchboardCommand>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });

    private readonly Dictionary<string, SwitchboardCommand> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _seenOrder = new();
    private readonly ConcurrentDictionary<Type, Func<SwitchboardCommand, CancellationToken, ValueTask>> _handlers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task? _pump;

    public EscalationWaiters Escalations { get; } = new();

    public void Deliver(AgentCommand raw)
    {
        SwitchboardCommand command;
        lock (_gate)
        {
            if (_seen.TryGetValue(raw.CommandId, out var earlier))
            {
                if (earlier.IsAcknowledged)
                {
                    // Our acknowledgement may not have reached the server; this one is stored once (stable id).
                    call.CommandAckedAgain(earlier);
                }

                return;
            }

            command = CommandParser.Parse(raw, call);
            _seen[raw.CommandId] = command;
            _seenOrder.Enqueue(raw.CommandId);
            if (_seenOrder.Count > Remembered)
            {
                _seen.Remove(_seenOrder.Dequeue());
            }
        }

        if (command is EscalationAnswerCommand answer && Escalations.TryComplete(answer))
        {
            answer.Acknowledge();
            return;
        }

        _channel.Writer.TryWrite(command);
    }

    public IAsyncEnumerable<SwitchboardCommand> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);

    public void On<TCommand>(Func<TCommand, CancellationToken, ValueTask> handler)
        where TCommand : SwitchboardCommand
    {
        _handlers[typeof(TCommand)] = (c, ct) => handler((TCommand)c, ct);
        lock (_gate)
        {
            _pump ??= Task.Run(PumpAsync, CancellationToken.None);
        }
    }

    public void Close()
    {
        _channel.Writer.TryComplete();
        _stop.Cancel();
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var command in _channel.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                if (!_handlers.TryGetValue(command.GetType(), out var handler) && !_handlers.TryGetValue(typeof(SwitchboardCommand), out handler))
                {
                    command.Fail($"this agent does not handle '{command.Type}' commands");
                    continue;
                }

                try
                {
                    await handler(command, _stop.Token).ConfigureAwait(false);
                    command.Acknowledge();
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    logger.HandlerFailed(ex, command.Type, call.CallId);
                    command.Fail(ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
