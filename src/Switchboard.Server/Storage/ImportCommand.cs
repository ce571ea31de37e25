using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Server.Identity;

namespace Switchboard.Server.Storage;

/// <summary>
/// <c>import-sqlite --from DIR</c>: copies a SQLite deployment's event log, API keys, accounts,
/// knowledge base, help requests and audit trail into the configured store (PostgreSQL). Every
/// call keeps its events, seqs, times and ids; keys keep their ids, hashes and revocations;
/// accounts their ids, password hashes, roles, skills and status; knowledge-base entries their
/// ids, status and counts; audit records their times. It is idempotent, so a run that stopped
/// halfway can be started again.
/// </summary>
public static class ImportCommand
{
    private const int Page = 1000;

    /// <summary>True when the arguments ask for this command.</summary>
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "import-sqlite";

    /// <summary>Runs the command and returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var target = services.GetRequiredService<IEventStore>();
        var targetKeys = services.GetRequiredService<IApiKeyRecords>();
        var targetUsers = services.GetRequiredService<IUserRecords>();
        var i = Array.IndexOf(args, "--from");
        var from = i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        if (from is null || target is SqliteEventStore)
        {
            error.WriteLine("usage: import-sqlite --from DATA_DIRECTORY, with Storage:Provider=postgres and Storage:ConnectionString set for the target");
            return 2;
        }

        var sourceOptions = Options.Create(new StorageOptions { DataDirectory = from });
        if (!File.Exists(sourceOptions.Value.DatabasePath))
        {
            error.WriteLine($"no Switchboard database at {sourceOptions.Value.DatabasePath}");
            return 2;
        }

        var connections = new SqliteConnectionFactory(sourceOptions);
        await using var source = new SqliteEventStore(connections, new NoSink(), sourceOptions, NullLogger<SqliteEventStore>.Instance);
        long calls = 0, events = 0, repeated = 0;
        CallPosition? before = null;
        while (true)
        {
            var page = await source.ListCallsAsync(new CallQuery(null, Page, before), cancellationToken).ConfigureAwait(false);
            foreach (var call in page)
            {
                long after = 0;
                while (true)
                {
                    var stored = await source.ReadAsync(call.CallId, after, Page, cancellationToken).ConfigureAwait(false);
                    if (stored.Count == 0)
                    {
                        break;
                    }

                    var results = await target.AppendAsync([.. stored.Select(e => new NewEvent(e.CallId, e.Id, e.Type, e.At, e.ReceivedAt, e.Data))], cancellationToken).ConfigureAwait(false);
                    for (var n = 0; n < results.Count; n++)
                    {
                        if (results[n].Seq != stored[n].Seq)
                        {
                            error.WriteLine($"call {call.CallId}: event {stored[n].Id} has seq {stored[n].Seq} in the source but {results[n].Seq} in the target, which already held other events of this call; stopped");
                            return 1;
                        }

                        repeated += results[n].Duplicate ? 1 : 0;
                    }

                    events += stored.Count;
                    after = stored[^1].Seq;
                }

                calls++;
            }

            if (page.Count < Page)
            {
                break;
            }

            before = new CallPosition(page[^1].FirstAt, page[^1].CallId);
        }

        var existing = (await targetKeys.ListAsync(cancellationToken).ConfigureAwait(false)).Select(k => k.Id).ToHashSet(StringComparer.Ordinal);
        var keys = 0;
        foreach (var (key, hash) in await new SqliteApiKeyRecords(connections).ExportAsync(cancellationToken).ConfigureAwait(false))
        {
            if (existing.Contains(key.Id))
            {
                continue;
            }

            await targetKeys.AddAsync(key with { RevokedAt = null }, hash, cancellationToken).ConfigureAwait(false);
            if (key.RevokedAt is { } revokedAt)
            {
                await targetKeys.RevokeAsync(key.Id, revokedAt, cancellationToken).ConfigureAwait(false);
            }

            keys++;
        }

        var accounts = 0;
        var taken = new List<string>();
        foreach (var (user, hash) in await new SqliteUserRecords(connections).ExportAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await targetUsers.FindByIdAsync(user.Id, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            if (!await targetUsers.InsertAsync(user, hash, cancellationToken).ConfigureAwait(false))
            {
                // Another account has this name there (the first admin of nodes started before the import).
                taken.Add(user.Username);
                continue;
            }

            await targetUsers.UpdateAsync(user.Id, user.Role, user.Skills, user.SecurityStamp, user.DisabledAt is not null, user.DisabledAt ?? default, cancellationToken).ConfigureAwait(false);
            if (user.LastLoginAt is { } lastLogin)
            {
                await targetUsers.RecordLoginAsync(user.Id, lastLogin, cancellationToken).ConfigureAwait(false);
            }

            accounts++;
        }

        var entries = 0;
        var knowledge = services.GetRequiredService<Knowledge.IKnowledgeRecords>();
        foreach (var entry in await new Knowledge.SqliteKnowledgeRecords(connections).ExportAsync(cancellationToken).ConfigureAwait(false))
        {
            entries += await knowledge.ImportAsync(entry, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        var requests = 0;
        var help = services.GetRequiredService<Escalations.IHelpRequestRecords>();
        foreach (var request in await new Escalations.SqliteHelpRequestRecords(connections).ListAsync(pendingOnly: false, int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            requests += (await help.InsertAsync(request, cancellationToken).ConfigureAwait(false)).Inserted ? 1 : 0;
        }

        // Oldest first, so the moved trail keeps its order.
        var trail = new List<AuditEntry>();
        var sourceAudit = new SqliteAuditRecords(connections);
        for (long? older = null; ;)
        {
            var page = await sourceAudit.QueryAsync(new AuditQuery(Before: older, Limit: Page), cancellationToken).ConfigureAwait(false);
            trail.AddRange(page);
            if (page.Count < Page)
            {
                break;
            }

            older = page[^1].Id;
        }

        var audited = 0;
        var audit = services.GetRequiredService<IAuditRecords>();
        foreach (var record in Enumerable.Reverse(trail))
        {
            audited += await audit.ImportAsync(record, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        output.WriteLine($"imported {calls} calls, {events} events ({repeated} already there), {keys} API keys, {accounts} accounts, {entries} knowledge-base entries, {requests} help requests and {audited} audit records from {sourceOptions.Value.DatabasePath}");
        if (taken.Count > 0)
        {
            output.WriteLine($"not imported, the name is taken there by another account: {string.Join(", ", taken)}");
        }
        return 0;
    }

    private sealed class NoSink : ICommitSink
    {
        public void OnCommitted(CommittedBatch batch)
        {
        }
    }
}
