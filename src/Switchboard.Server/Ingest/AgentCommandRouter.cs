using System.Collections.Concurrent;
using Switchboard.Contracts.Commands;

namespace Switchboard.Server.Ingest;

/// <summary>
/// Routes commands to the agent connections that serve a call. A command stays pending until
/// the agent acknowledges it (<c>command.acked</c>) and is delivered again when an agent for the
/// call (re)connects, so a command sent during a reconnect is not lost.
/// </summary>
public sealed class AgentCommandRouter
{
    private const int MaxPendingPerCall = 64;
    private readonly ConcurrentDictionary<string, AgentConnection[]> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<AgentCommand>> _pending = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Sends a command; returns false when no agent connection serves the call now (it stays pending).</summary>
    public bool Send(AgentCommand command)
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

    /// <summary>True when an agent connection serves the call.</summary>
    public bool IsConnected(string callId) => _connections.ContainsKey(callId);

    /// <summary>The agent acknowledged a command: stop redelivering it.</summary>
    public void Acknowledged(string callId, string commandId)
    {
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

    /// <summary>The call ended: forget its pending commands.</summary>
    public void Forget(string callId) => _pending.TryRemove(callId, out _);

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
