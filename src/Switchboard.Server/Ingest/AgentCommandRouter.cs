using System.Collections.Concurrent;
using Switchboard.Contracts.Commands;

namespace Switchboard.Server.Ingest;

/// <summary>
/// Routes commands to the agent connections that serve a call. A command stays pending until
/// the agent acknowledges it (<c>command.acked</c>) and is delivered again when an agent for the
/// call (re)connects, so a command sent during a reconnect is not lost. With several nodes, every
/// command, acknowledgement and end of a call is also relayed (<see cref="ICommandRelay"/>): the
/// node that holds the agent's socket delivers it, and every node keeps it pending, so an agent
/// that reconnects to any node gets what it had not acknowledged.
/// </summary>
public sealed class AgentCommandRouter
{
    private const int MaxPendingPerCall = 64;
    private readonly ICommandRelay _relay;
    private readonly ConcurrentDictionary<string, AgentConnection[]> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<AgentCommand>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _awaited = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>With several nodes: how long <see cref="SendAsync"/> waits to hear that another node's socket took a command.</summary>
    public static readonly TimeSpan RemoteDeliveryWait = TimeSpan.FromSeconds(1);

    /// <summary>Creates the router; messages of other nodes arrive through <paramref name="relay"/>.</summary>
    public AgentCommandRouter(ICommandRelay relay)
    {
        _relay = relay;
        relay.Received += OnRelayed;
    }

    /// <summary>
    /// Sends a command; returns false when no agent connection of this node serves the call now
    /// (it stays pending, and with several nodes the node holding the agent's socket delivers it).
    /// </summary>
    public bool Send(AgentCommand command)
    {
        _relay.Publish(new RelayedCommand(RelayedCommand.Deliver, command.CallId, command.CommandId, command));
        return SendHere(command);
    }

    /// <summary>
    /// Sends a command and says whether an agent connection took it: one of this node's, or, with
    /// several nodes, one of another node's, which says so through the relay (waited for up to
    /// <see cref="RemoteDeliveryWait"/>). Either way it stays pending until acknowledged.
    /// </summary>
    public async Task<bool> SendAsync(AgentCommand command, CancellationToken cancellationToken)
    {
        if (!_relay.ReachesOtherNodes)
        {
            return Send(command);
        }

        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _awaited[command.CommandId] = heard;
        try
        {
            if (Send(command))
            {
                return true;
            }

            await heard.Task.WaitAsync(RemoteDeliveryWait, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            _awaited.TryRemove(new KeyValuePair<string, TaskCompletionSource>(command.CommandId, heard));
        }
    }

    /// <summary>True when an agent connection serves the call.</summary>
    public bool IsConnected(string callId) => _connections.ContainsKey(callId);

    /// <summary>The agent acknowledged a command: stop redelivering it, here and on every node.</summary>
    public void Acknowledged(string callId, string commandId)
    {
        _relay.Publish(new RelayedCommand(RelayedCommand.Acked, callId, commandId));
        AcknowledgedHere(callId, commandId);
    }

    /// <summary>The call ended: forget its pending commands, here and on every node.</summary>
    public void Forget(string callId)
    {
        _relay.Publish(new RelayedCommand(RelayedCommand.Forget, callId));
        _pending.TryRemove(callId, out _);
    }

    private void OnRelayed(RelayedCommand message)
    {
        switch (message.Kind)
        {
            case RelayedCommand.Deliver when message.Command is { } command && command.CallId == message.CallId:
                if (SendHere(command))
                {
                    // The node that sent it may be waiting to say whether the agent got it.
                    _relay.Publish(new RelayedCommand(RelayedCommand.Delivered, command.CallId, command.CommandId));
                }

                break;
            case RelayedCommand.Delivered when message.CommandId is { } commandId:
                Heard(commandId);
                break;
            case RelayedCommand.Acked when message.CommandId is { } commandId:
                AcknowledgedHere(message.CallId, commandId);
                break;
            case RelayedCommand.Forget:
                _pending.TryRemove(message.CallId, out _);
                break;
        }
    }

    private bool SendHere(AgentCommand command)
    {
        lock (_gate)
        {
            var pending = _pending.GetOrAdd(command.CallId, _ => []);
            if (pending.Count >= MaxPendingPerCall)
            {
                pending.RemoveAt(0);
            }

            pending.Add(command);
        }

        var delivered = false;
        if (_connections.TryGetValue(command.CallId, out var connections))
        {
            foreach (var c in connections)
            {
                delivered |= c.TrySendCommand(command);
            }
        }

        return delivered;
    }

    private void Heard(string commandId)
    {
        if (_awaited.TryGetValue(commandId, out var heard))
        {
            heard.TrySetResult();
        }
    }

    private void AcknowledgedHere(string callId, string commandId)
    {
        // An acknowledged command was delivered, wherever.
        Heard(commandId);
        lock (_gate)
        {
            if (_pending.TryGetValue(callId, out var pending))
            {
                pending.RemoveAll(c => c.CommandId == commandId);
                if (pending.Count == 0)
                {
                    _pending.TryRemove(callId, out _);
                }
            }
        }
    }

    internal void Attach(AgentConnection connection, string callId)
    {
        lock (_gate)
        {
            var existing = _connections.GetValueOrDefault(callId) ?? [];
            if (existing.Contains(connection))
            {
                return;
            }

            _connections[callId] = [.. existing, connection];
            if (_pending.TryGetValue(callId, out var pending))
            {
                foreach (var command in pending)
                {
                    connection.TrySendCommand(command);
                }
            }
        }
    }

    internal void Detach(AgentConnection connection, string callId)
    {
        lock (_gate)
        {
            if (!_connections.TryGetValue(callId, out var existing))
            {
                return;
            }

            var rest = existing.Where(c => c != connection).ToArray();
            if (rest.Length == 0)
            {
                _connections.TryRemove(callId, out _);
            }
            else
            {
                _connections[callId] = rest;
            }
        }
    }
}
