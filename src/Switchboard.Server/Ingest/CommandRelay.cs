using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Npgsql;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Ingest;

/// <summary>What one node tells the others about agent commands: one to deliver, one acknowledged, a call whose commands are over.</summary>
public sealed record RelayedCommand(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("callId")] string CallId,
    [property: JsonPropertyName("commandId")] string? CommandId = null,
    [property: JsonPropertyName("command")] AgentCommand? Command = null)
{
    /// <summary>A command to deliver to the call's agent wherever its socket is.</summary>
    public const string Deliver = "command";

    /// <summary>The agent acknowledged a command: nobody delivers it again.</summary>
    public const string Acked = "ack";

    /// <summary>The call ended: its pending commands are dropped.</summary>
    public const string Forget = "forget";

    /// <summary>A relayed command reached the agent's socket on the node that sends this.</summary>
    public const string Delivered = "delivered";
}

/// <summary>
/// Carries agent commands between nodes, because an agent's socket is held by one node and the
/// supervisor who acts may be on another. With one node there is nothing to carry.
/// </summary>
public interface ICommandRelay
{
    /// <summary>Raised for each message from another node.</summary>
    event Action<RelayedCommand>? Received;

    /// <summary>Sends a message to the other nodes (in order, without waiting).</summary>
    void Publish(RelayedCommand message);

    /// <summary>True when there are other nodes to reach.</summary>
    bool ReachesOtherNodes { get; }
}

/// <summary>One node: nothing to relay.</summary>
public sealed class LocalCommandRelay : ICommandRelay
{
    /// <inheritdoc />
    public event Action<RelayedCommand>? Received
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public void Publish(RelayedCommand message)
    {
    }

    /// <inheritdoc />
    public bool ReachesOtherNodes => false;
}

/// <summary>
/// The relay on PostgreSQL: <c>NOTIFY switchboard_commands</c> with the message and the sending
/// node; a message too long for a notification is stored in <c>relayed_commands</c> and its row
/// id notified instead. Messages are sent in order by one loop; every node listens on a
/// connection of its own and reconnects with backoff. A notification lost while a node was not
/// listening is not replayed: the command is still pending on the node that sent it and on every
/// node that heard it, and the agent gets it when it reconnects to one of them.
/// </summary>
public sealed partial class PostgresCommandRelay : ICommandRelay, IHostedService, IAsyncDisposable
{
    /// <summary>The notification channel.</summary>
    public const string Channel = "switchboard_commands";

    private const int MaxPayloadBytes = 7000;

    /// <inheritdoc />
    public bool ReachesOtherNodes => true;

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE relayed_commands (
            id      bigserial PRIMARY KEY,
            at      timestamptz NOT NULL DEFAULT now(),
            payload text NOT NULL
        );
        """,
    ];

    private readonly NpgsqlDataSource _data;
    private readonly string _nodeId;
    private readonly ILogger<PostgresCommandRelay> _logger;
    private readonly Channel<RelayedCommand> _outbox = System.Threading.Channels.Channel.CreateUnbounded<RelayedCommand>(new() { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task _sending = Task.CompletedTask;
    private Task _listening = Task.CompletedTask;

    /// <summary>Brings the relay's table up to date on the shared database.</summary>
    public PostgresCommandRelay(PostgresDatabase database, ILogger<PostgresCommandRelay> logger)
    {
        database.Migrate("relayed_commands", Migrations);
        _data = database.DataSource;
        _nodeId = database.NodeId;
        _logger = logger;
    }

    /// <inheritdoc />
    public event Action<RelayedCommand>? Received;

    /// <inheritdoc />
    public void Publish(RelayedCommand message) => _outbox.Writer.TryWrite(message);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sending = Task.Run(() => SendAsync(_stopping.Token), CancellationToken.None);
        _listening = Task.Run(() => ListenAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _outbox.Writer.TryComplete();
        try
        {
            // What is queued still goes out, within the host's stop timeout.
            await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _listening.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        await foreach (var message in _outbox.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var payload = JsonSerializer.Serialize(new Envelope(_nodeId, message, null), ContractJson.Options);
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                try
                {
                    await using var command = System.Text.Encoding.UTF8.GetByteCount(payload) <= MaxPayloadBytes
                        ? _data.CreateCommand("SELECT pg_notify(@channel, @payload);")
                        : _data.CreateCommand(
                            """
                            WITH row AS (INSERT INTO relayed_commands (payload) VALUES (@payload) RETURNING id)
                            SELECT pg_notify(@channel, json_build_object('node', @node::text, 'row', id)::text) FROM row;
                            """);
                    command.Parameters.AddWithValue("channel", Channel);
                    command.Parameters.AddWithValue("payload", payload);
                    command.Parameters.AddWithValue("node", _nodeId);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException && attempt < 3)
                {
                    await Task.Delay(100 * attempt, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException or OperationCanceledException)
                {
                    LogSendFailed(ex, message.Kind, message.CallId);
                }
            }
        }
    }

    private Task ListenAsync(CancellationToken cancellationToken) =>
        PostgresListener.RunAsync(_data, Channel, OnNotification, LogListenFailed, cancellationToken);

    private void OnNotification(string payload)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(payload, ContractJson.Options);
            if (envelope is null || envelope.Node == _nodeId)
            {
                return;
            }

            if (envelope.Row is { } row)
            {
                using var command = _data.CreateCommand("SELECT payload FROM relayed_commands WHERE id = @id;");
                command.Parameters.AddWithValue("id", row);
                if (command.ExecuteScalar() is not string stored || JsonSerializer.Deserialize<Envelope>(stored, ContractJson.Options) is not { } full)
                {
                    return;
                }

                envelope = full;
            }

            if (envelope.Message is { } message)
            {
                Received?.Invoke(message);
            }
        }
#pragma warning disable CA1031 // A message that cannot be read is logged; the next one is not affected.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnreadable(ex);
        }
    }

    private sealed record Envelope(
        [property: JsonPropertyName("node")] string Node,
        [property: JsonPropertyName("message")] RelayedCommand? Message,
        [property: JsonPropertyName("row")] long? Row);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Could not relay a {Kind} for call {CallId} to the other nodes")]
    private partial void LogSendFailed(Exception ex, string kind, string callId);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Listening for other nodes' commands failed; listening again in {DelayMs} ms")]
    private partial void LogListenFailed(Exception ex, double delayMs);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "A relayed command could not be read; it was skipped")]
    private partial void LogUnreadable(Exception ex);
}
