using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Npgsql;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Ingest;

/// <summary>
/// Ephemeral events (interim transcripts, heartbeats) are not stored, so only the node that
/// received them could stream them. With several nodes they are passed on to the others, which
/// fan them out to their own streams and count them as the agent being heard.
/// </summary>
public interface IEphemeralRelay
{
    /// <summary>Passes ephemeral events received here on to the other nodes (best effort, without waiting).</summary>
    void Publish(IReadOnlyList<StoredEvent> events);
}

/// <summary>One node: nothing to pass on.</summary>
public sealed class LocalEphemeralRelay : IEphemeralRelay
{
    /// <inheritdoc />
    public void Publish(IReadOnlyList<StoredEvent> events)
    {
    }
}

/// <summary>
/// The relay on PostgreSQL: one loop packs the events waiting into notifications of at most
/// 7,000 bytes on <c>switchboard_ephemeral</c>; every node listens and hands other nodes' events to
/// its live calls. Like the events themselves, this is best effort: an event larger than one
/// notification, or sent while the database is unreachable, is counted and dropped.
/// </summary>
public sealed partial class PostgresEphemeralRelay : IEphemeralRelay, IHostedService
{
    /// <summary>The notification channel.</summary>
    public const string Channel = "switchboard_ephemeral";

    private const int MaxPayloadBytes = 7000;
    private const int MaxQueued = 50_000;
    private readonly NpgsqlDataSource _data;
    private readonly string _nodeId;
    private readonly LiveCalls _live;
    private readonly ILogger<PostgresEphemeralRelay> _logger;
    private readonly Channel<StoredEvent> _outbox = System.Threading.Channels.Channel.CreateBounded<StoredEvent>(
        new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly CancellationTokenSource _stopping = new();
    private Task _sending = Task.CompletedTask;
    private Task _listening = Task.CompletedTask;
    private long _dropped;

    /// <summary>Creates the relay; other nodes' events go to <paramref name="live"/>.</summary>
    public PostgresEphemeralRelay(PostgresDatabase database, LiveCalls live, ILogger<PostgresEphemeralRelay> logger)
    {
        _data = database.DataSource;
        _nodeId = database.NodeId;
        _live = live;
        _logger = logger;
    }

    /// <summary>Ephemeral events not passed on (queue full, too large, or the database unreachable).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <inheritdoc />
    public void Publish(IReadOnlyList<StoredEvent> events)
    {
        foreach (var e in events)
        {
            if (!_outbox.Writer.TryWrite(e))
            {
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sending = Task.Run(() => SendAsync(_stopping.Token), CancellationToken.None);
        _listening = Task.Run(() => PostgresListener.RunAsync(_data, Channel, OnNotification, LogListenFailed, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _outbox.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_sending, _listening).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        var reader = _outbox.Reader;
        var packed = new List<string>();
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            packed.Clear();
            var size = 0;
            var header = Encoding.UTF8.GetByteCount(_nodeId) + 32;
            while (reader.TryPeek(out var next))
            {
                var json = JsonSerializer.Serialize(next, ContractJson.Options);
                var bytes = Encoding.UTF8.GetByteCount(json) + 1;
                if (header + bytes > MaxPayloadBytes)
                {
                    // Larger than one notification can carry: it stays on this node's streams only.
                    reader.TryRead(out _);
                    Interlocked.Increment(ref _dropped);
                    continue;
                }

                if (header + size + bytes > MaxPayloadBytes)
                {
                    break;
                }

                reader.TryRead(out _);
                packed.Add(json);
                size += bytes;
            }

            if (packed.Count == 0)
            {
                continue;
            }

            var payload = $$"""{"node":{{JsonSerializer.Serialize(_nodeId)}},"events":[{{string.Join(',', packed)}}]}""";
            try
            {
                await using var command = _data.CreateCommand("SELECT pg_notify(@channel, @payload);");
                command.Parameters.AddWithValue("channel", Channel);
                command.Parameters.AddWithValue("payload", payload);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                Interlocked.Add(ref _dropped, packed.Count);
                LogSendFailed(ex, packed.Count);
            }
        }
    }

    private void OnNotification(string payload)
    {
        try
        {
            var batch = JsonSerializer.Deserialize<Batch>(payload, ContractJson.Options);
            if (batch is null || batch.Node == _nodeId || batch.Events is not { Count: > 0 } events)
            {
                return;
            }

            _live.OnEphemeral(events);
        }
#pragma warning disable CA1031 // A notification that cannot be read is logged; the next one is not affected.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnreadable(ex);
        }
    }

    private sealed record Batch(
        [property: JsonPropertyName("node")] string Node,
        [property: JsonPropertyName("events")] List<StoredEvent>? Events);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Warning, Message = "Could not pass {Count} ephemeral events on to the other nodes")]
    private partial void LogSendFailed(Exception ex, int count);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Warning, Message = "Listening for other nodes' ephemeral events failed; listening again in {DelayMs} ms")]
    private partial void LogListenFailed(Exception ex, double delayMs);

    [LoggerMessage(EventId = 2413, Level = LogLevel.Warning, Message = "Other nodes' ephemeral events could not be read; skipped")]
    private partial void LogUnreadable(Exception ex);
}
