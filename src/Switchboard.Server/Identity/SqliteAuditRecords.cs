using System.Globalization;
using Microsoft.Data.Sqlite;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Identity;

/// <summary>The audit trail in the node's SQLite file (table <c>audit</c>).</summary>
public sealed class SqliteAuditRecords(SqliteConnectionFactory connections) : IAuditRecords
{
    private static readonly string Values = string.Join(", ", Enumerable.Range(0, 9).Select(i => "$p" + i));

    /// <inheritdoc />
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = Command(connection, $"INSERT INTO audit ({AuditRows.Columns}) VALUES ({Values});", entry);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> ImportAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = Command(
            connection,
            $"INSERT INTO audit ({AuditRows.Columns}) SELECT {Values} WHERE NOT EXISTS (SELECT 1 FROM audit WHERE {string.Format(CultureInfo.InvariantCulture, AuditRows.Same, '$')});",
            entry);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var (where, parameters) = AuditRows.Filter(query, '$', "LIKE");
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, {AuditRows.Columns} FROM audit {where} ORDER BY id DESC LIMIT $limit;";
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue("$" + name, value);
        }

        command.Parameters.AddWithValue("$limit", query.Limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await AuditRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        // A few thousand per transaction, so that other writers wait at most one short batch.
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < $before ORDER BY id LIMIT 2000);";
        command.Parameters.AddWithValue("$before", before.UtcTicks);
        return await AuditRows.DeleteInBatchesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, AuditEntry entry)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = AuditRows.Values(entry);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue("$p" + i, values[i]);
        }

        return command;
    }
}
