using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Identity;

/// <summary>The audit trail in the shared PostgreSQL database: one trail for every node, <c>detail</c> kept as <c>jsonb</c>.</summary>
public sealed class PostgresAuditRecords : IAuditRecords
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE audit (
            id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at         bigint NOT NULL,
            actor      text   NOT NULL,
            actor_kind text   NOT NULL,
            action     text   NOT NULL,
            outcome    text   NOT NULL,
            target     text,
            call_id    text,
            ip         text,
            detail     jsonb
        );
        CREATE INDEX ix_audit_at ON audit (at);
        CREATE INDEX ix_audit_actor ON audit (actor, at);
        CREATE INDEX ix_audit_action ON audit (action, at);
        CREATE INDEX ix_audit_call ON audit (call_id) WHERE call_id IS NOT NULL;
        """,
    ];

    private static readonly string Values = string.Join(", ", Enumerable.Range(0, 9).Select(i => "@p" + i));
    private static readonly NpgsqlDbType[] Types =
        [NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Jsonb];

    private readonly NpgsqlDataSource _data;

    /// <summary>Brings the audit table up to date on the shared database.</summary>
    public PostgresAuditRecords(PostgresDatabase database)
    {
        database.Migrate("audit", Migrations);
        _data = database.DataSource;
    }

    /// <inheritdoc />
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var command = Command($"INSERT INTO audit ({AuditRows.Columns}) VALUES ({Values});", entry);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> ImportAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var command = Command(
            $"INSERT INTO audit ({AuditRows.Columns}) SELECT {Values} WHERE NOT EXISTS (SELECT 1 FROM audit WHERE {string.Format(CultureInfo.InvariantCulture, AuditRows.Same, '@')});",
            entry);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        // ILIKE: an action pattern matches regardless of case, as SQLite's LIKE does.
        var (where, parameters) = AuditRows.Filter(query, '@', "ILIKE");
        await using var command = _data.CreateCommand($"SELECT id, {AuditRows.Columns.Replace("detail", "detail::text", StringComparison.Ordinal)} FROM audit {where} ORDER BY id DESC LIMIT @limit;");
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.Parameters.AddWithValue("limit", query.Limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await AuditRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < @before ORDER BY id LIMIT 2000);");
        command.Parameters.AddWithValue("before", before.UtcTicks);
        return await AuditRows.DeleteInBatchesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private NpgsqlCommand Command(string sql, AuditEntry entry)
    {
        var command = _data.CreateCommand(sql);
        var values = AuditRows.Values(entry);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.Add(new NpgsqlParameter("p" + i, Types[i]) { Value = values[i] });
        }

        return command;
    }
}
