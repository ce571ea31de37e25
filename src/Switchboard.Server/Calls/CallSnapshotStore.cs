using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Calls;

/// <summary>
/// The folded state of calls, stored with the seq it was folded up to, so that reading an ended
/// call costs one row instead of a fold of its whole log. A snapshot is only a cache of the log:
/// it is written after the events it folds are committed, and one folded by an older projection
/// (<see cref="CallProjection.Version"/>) is ignored and folded again.
/// </summary>
public sealed class CallSnapshotStore(SqliteConnectionFactory connections, TimeProvider clock)
{
    /// <summary>The stored snapshot of a call, or null when there is none of the current projection.</summary>
    public Task<CallState?> LoadAsync(string callId, CancellationToken cancellationToken)
    {
        const string sql = "SELECT state FROM call_snapshots WHERE call_id = $call AND projection_version = $version;";
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$call", callId);
        command.Parameters.AddWithValue("$version", CallProjection.Version);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(command.ExecuteScalar() is string json ? JsonSerializer.Deserialize<CallState>(json, ContractJson.Options) : null);
    }

    /// <summary>Stores the snapshot unless a newer one (of a higher seq) is stored already.</summary>
    public Task SaveAsync(CallState state, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO call_snapshots (call_id, last_seq, projection_version, state, saved_at)
            VALUES ($call, $seq, $version, $state, $now)
            ON CONFLICT (call_id) DO UPDATE SET
                last_seq = excluded.last_seq, projection_version = excluded.projection_version, state = excluded.state, saved_at = excluded.saved_at
            WHERE excluded.last_seq > call_snapshots.last_seq OR excluded.projection_version <> call_snapshots.projection_version;
            """;
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$call", state.CallId);
        command.Parameters.AddWithValue("$seq", state.LastSeq);
        command.Parameters.AddWithValue("$version", CallProjection.Version);
        command.Parameters.AddWithValue("$state", JsonSerializer.Serialize(state, ContractJson.Options));
        command.Parameters.AddWithValue("$now", clock.GetUtcNow().UtcTicks);
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }
}
