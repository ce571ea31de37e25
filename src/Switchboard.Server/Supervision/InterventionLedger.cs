using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Supervision;

/// <summary>
/// Remembers successful interventions by (call, action and actor, client request id) for
/// <see cref="SupervisionOptions.RequestIdMinutes"/>, so a repeated request returns the first
/// answer without acting twice. Failures are not remembered: a retry re-checks. With several
/// nodes the memory is shared, so a retry that lands on another node is answered the same.
/// </summary>
public interface IInterventionLedger
{
    /// <summary>The remembered outcome, if the request was carried out before.</summary>
    Task<InterventionOutcome?> FindAsync(string callId, string action, string? requestId, CancellationToken cancellationToken);

    /// <summary>Remembers a successful outcome.</summary>
    Task RememberAsync(string callId, string action, string? requestId, InterventionOutcome outcome, CancellationToken cancellationToken);
}

/// <summary>One node: the memory is this process's.</summary>
public sealed class InterventionLedger(IOptions<SupervisionOptions> options, TimeProvider clock) : IInterventionLedger
{
    private const int MaxEntries = 50_000;
    private readonly ConcurrentDictionary<string, (InterventionOutcome Outcome, long Until)> _done = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<InterventionOutcome?> FindAsync(string callId, string action, string? requestId, CancellationToken cancellationToken) =>
        Task.FromResult(requestId is not null && _done.TryGetValue(Key(callId, action, requestId), out var entry) && entry.Until > clock.GetUtcNow().UtcTicks
            ? entry.Outcome
            : null);

    /// <inheritdoc />
    public Task RememberAsync(string callId, string action, string? requestId, InterventionOutcome outcome, CancellationToken cancellationToken)
    {
        if (requestId is null || outcome.Result is null)
        {
            return Task.CompletedTask;
        }

        var now = clock.GetUtcNow().UtcTicks;
        if (_done.Count >= MaxEntries)
        {
            foreach (var (key, value) in _done)
            {
                if (value.Until <= now)
                {
                    _done.TryRemove(key, out _);
                }
            }
        }

        _done[Key(callId, action, requestId)] = (outcome, now + TimeSpan.FromMinutes(options.Value.RequestIdMinutes).Ticks);
        return Task.CompletedTask;
    }

    internal static string Key(string callId, string action, string requestId) => $"{callId}\n{action}\n{requestId}";
}

/// <summary>
/// The memory in the shared PostgreSQL database (table <c>intervention_ledger</c>). A listen's
/// LiveKit token is not kept: a repeated listen is carried out again, which changes nothing but
/// the token.
/// </summary>
public sealed class PostgresInterventionLedger : IInterventionLedger
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE intervention_ledger (
            key     text   PRIMARY KEY,
            outcome jsonb  NOT NULL,
            until   bigint NOT NULL
        );
        CREATE INDEX ix_intervention_ledger_until ON intervention_ledger (until);
        """,
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly NpgsqlDataSource _data;
    private readonly IOptions<SupervisionOptions> _options;
    private readonly TimeProvider _clock;
    private int _writes;

    /// <summary>Brings the ledger's table up to date on the shared database.</summary>
    public PostgresInterventionLedger(PostgresDatabase database, IOptions<SupervisionOptions> options, TimeProvider clock)
    {
        database.Migrate("intervention_ledger", Migrations);
        _data = database.DataSource;
        _options = options;
        _clock = clock;
    }

    /// <inheritdoc />
    public async Task<InterventionOutcome?> FindAsync(string callId, string action, string? requestId, CancellationToken cancellationToken)
    {
        if (requestId is null || action.StartsWith("listen\n", StringComparison.Ordinal))
        {
            return null;
        }

        await using var command = _data.CreateCommand("SELECT outcome::text FROM intervention_ledger WHERE key = @key AND until > @now;");
        command.Parameters.AddWithValue("key", InterventionLedger.Key(callId, action, requestId));
        command.Parameters.AddWithValue("now", _clock.GetUtcNow().UtcTicks);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json
            ? JsonSerializer.Deserialize<InterventionOutcome>(json, Json)
            : null;
    }

    /// <inheritdoc />
    public async Task RememberAsync(string callId, string action, string? requestId, InterventionOutcome outcome, CancellationToken cancellationToken)
    {
        if (requestId is null || outcome.Result is null || action.StartsWith("listen\n", StringComparison.Ordinal))
        {
            return;
        }

        var now = _clock.GetUtcNow().UtcTicks;
        await using (var command = _data.CreateCommand(
            "INSERT INTO intervention_ledger (key, outcome, until) VALUES (@key, @outcome, @until) ON CONFLICT (key) DO NOTHING;"))
        {
            command.Parameters.AddWithValue("key", InterventionLedger.Key(callId, action, requestId));
            command.Parameters.Add(new NpgsqlParameter("outcome", NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(outcome with { Result = outcome.Result with { LiveKit = null } }, Json) });
            command.Parameters.AddWithValue("until", now + TimeSpan.FromMinutes(_options.Value.RequestIdMinutes).Ticks);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Interlocked.Increment(ref _writes) % 500 == 1)
        {
            await using var prune = _data.CreateCommand("DELETE FROM intervention_ledger WHERE until <= @now;");
            prune.Parameters.AddWithValue("now", now);
            await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
