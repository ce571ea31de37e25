using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Server.Escalations;
using Switchboard.Server.Identity;
using Switchboard.Server.Storage;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Storage;

/// <summary>What the audit trail and the help requests' record promise, on SQLite and on a real PostgreSQL.</summary>
public abstract class AuditAndHelpRecordsContract
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ManualClock _clock = new(StoreEvents.T0);

    /// <summary>Opens the audit trail; a second call with the same name is another node on the same database.</summary>
    protected abstract IAuditRecords OpenAudit(string database = "main");

    /// <summary>Opens the help requests' record; a second call with the same name is another node on the same database.</summary>
    protected abstract IHelpRequestRecords OpenHelp(string database = "main");

    private AuditLog Audit(string database = "main") => new(OpenAudit(database), _clock, NullLogger<AuditLog>.Instance);

    [Fact]
    public async Task Audit_records_of_two_nodes_form_one_trail_filtered_and_paged_newest_first()
    {
        var a = Audit("shared");
        var b = Audit("shared");
        var alice = new Actor("u1", "alice", "user", Roles.Supervisor, "10.0.0.1");
        await a.RecordAsync(alice, "call.takeover", "ok", "CALL_1", "CALL_1", new { requestId = "r1", note = "é ✓" });
        _clock.Advance(TimeSpan.FromSeconds(1));
        await b.RecordAsync(alice, "call.handback", "ok", "CALL_1", "CALL_1");
        _clock.Advance(TimeSpan.FromSeconds(1));
        await b.RecordAsync(Actor.System, "escalation.timed_out", "ok", "help_1", "CALL_2");
        await a.RecordAsync(alice, "CALL.GUIDE", "denied", new string('t', 600));

        var all = await a.QueryAsync(new AuditQuery(), None);
        Assert.Equal(["CALL.GUIDE", "escalation.timed_out", "call.handback", "call.takeover"], all.Select(e => e.Action));
        Assert.Equal(512, all[0].Target!.Length);
        var takeover = all[3];
        Assert.Equal(("alice", "user", "10.0.0.1", StoreEvents.T0), (takeover.Actor, takeover.ActorKind, takeover.Ip, takeover.At));
        Assert.Equal("é ✓", takeover.Detail!.Value.GetProperty("note").GetString());
        Assert.Null(all[1].Detail);

        Assert.Equal(3, (await b.QueryAsync(new AuditQuery(Action: "call.*"), None)).Count);
        Assert.Equal(["call.handback", "call.takeover"], (await b.QueryAsync(new AuditQuery(CallId: "CALL_1"), None)).Select(e => e.Action));
        Assert.Single(await b.QueryAsync(new AuditQuery(Outcome: "denied", Actor: "alice"), None));
        Assert.Equal("call.handback", Assert.Single(await b.QueryAsync(new AuditQuery(From: StoreEvents.T0.AddSeconds(1), To: StoreEvents.T0.AddSeconds(2)), None)).Action);
        var page = await b.QueryAsync(new AuditQuery(Limit: 2), None);
        Assert.Equal(all.Skip(2).Select(e => e.Id), (await b.QueryAsync(new AuditQuery(Before: page[^1].Id), None)).Select(e => e.Id));

        Assert.Equal(1, await b.PurgeAsync(StoreEvents.T0.AddMilliseconds(500), None));
        Assert.Equal(3, (await a.QueryAsync(new AuditQuery(), None)).Count);
    }

    [Fact]
    public async Task Imported_audit_records_keep_their_times_and_are_not_copied_twice()
    {
        var source = Audit("source");
        await source.RecordAsync(Actor.System, "key.create", "ok", "key_1", detail: new { name = "x" });
        _clock.Advance(TimeSpan.FromMinutes(1));
        await source.RecordAsync(Actor.System, "key.revoke", "ok", "key_1");
        var target = OpenAudit("target");

        var entries = (await source.QueryAsync(new AuditQuery(), None)).Reverse().ToList();
        foreach (var entry in entries)
        {
            Assert.True(await target.ImportAsync(entry, None));
            Assert.False(await target.ImportAsync(entry, None));
        }

        var copied = await target.QueryAsync(new AuditQuery(), None);
        Assert.Equal(entries.Select(e => (e.At, e.Action, e.Target)).Reverse(), copied.Select(e => (e.At, e.Action, e.Target)));
        Assert.Equal("x", copied[1].Detail!.Value.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_help_request_is_stored_once_by_every_node_and_a_closed_one_is_never_reopened()
    {
        var a = OpenHelp("shared");
        var b = OpenHelp("shared");
        var request = new HelpRequest("help_1", "CALL_1", "r1", "Can I bring my dog?", "policy", "caller asked twice", HelpRequestStatus.Open, StoreEvents.T0, StoreEvents.T0.AddSeconds(30), ["ana", "bo"]);

        Assert.True((await a.InsertAsync(request, None)).Inserted);
        var (stored, inserted) = await b.InsertAsync(request with { RoutedTo = ["cy"] }, None);
        Assert.False(inserted);
        Assert.Equal(["ana", "bo"], stored.RoutedTo);

        var claimed = request with { Status = HelpRequestStatus.Claimed, ClaimedBy = "ana", ClaimedAt = StoreEvents.T0.AddSeconds(2) };
        Assert.True(await b.UpdateAsync(claimed, None));
        var answered = claimed with { Status = HelpRequestStatus.Answered, Answer = "Yes, on a lead.", AnsweredBy = "ana", ClosedAt = StoreEvents.T0.AddSeconds(5) };
        Assert.True(await a.UpdateAsync(answered, None));
        // A node whose timer fired late cannot turn the answer into a timeout.
        Assert.False(await b.UpdateAsync(request with { Status = HelpRequestStatus.TimedOut, ClosedAt = StoreEvents.T0.AddSeconds(30), CloseReason = "late" }, None));

        var read = (await b.GetAsync("help_1", None))!;
        Assert.Equal((HelpRequestStatus.Answered, "Yes, on a lead.", "ana", (DateTimeOffset?)StoreEvents.T0.AddSeconds(2), "caller asked twice", "policy"), (read.Status, read.Answer, read.AnsweredBy, read.ClaimedAt, read.Context, read.Topic));
        Assert.Null(read.CloseReason);
        Assert.Null(await a.GetAsync("help_2", None));
    }

    [Fact]
    public async Task Help_requests_list_newest_first_and_pending_only_on_request()
    {
        var store = OpenHelp();
        for (var i = 0; i < 4; i++)
        {
            var r = new HelpRequest($"help_{i}", "CALL_1", $"r{i}", $"question {i}", null, null, i == 1 ? HelpRequestStatus.Unavailable : HelpRequestStatus.Open, StoreEvents.T0.AddSeconds(i), StoreEvents.T0.AddMinutes(1), []);
            await store.InsertAsync(r, None);
        }

        await store.UpdateAsync((await store.GetAsync("help_2", None))! with { Status = HelpRequestStatus.Claimed, ClaimedBy = "bo" }, None);

        Assert.Equal(["help_3", "help_2", "help_1", "help_0"], (await store.ListAsync(false, 10, None)).Select(r => r.Id));
        Assert.Equal(["help_3", "help_2", "help_0"], (await store.ListAsync(true, 10, None)).Select(r => r.Id));
        Assert.Equal(["help_3"], (await store.ListAsync(true, 1, None)).Select(r => r.Id));
        Assert.Empty((await store.GetAsync("help_0", None))!.RoutedTo);
    }
}

public sealed class SqliteAuditAndHelpRecordsContract : AuditAndHelpRecordsContract, IDisposable
{
    private readonly SqliteDirectories _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    protected override IAuditRecords OpenAudit(string database = "main") => new SqliteAuditRecords(_sqlite.Open(database));

    protected override IHelpRequestRecords OpenHelp(string database = "main") => new SqliteHelpRequestRecords(_sqlite.Open(database));

    private SqliteConnectionFactory Connections(string database) =>
        new(_sqlite.Options(database));
}

public sealed class PostgresAuditAndHelpRecordsContract : AuditAndHelpRecordsContract, IDisposable
{
    private readonly PostgresDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    protected override IAuditRecords OpenAudit(string database = "main") => new PostgresAuditRecords(_databases.Open(database));

    protected override IHelpRequestRecords OpenHelp(string database = "main") => new PostgresHelpRequestRecords(_databases.Open(database));
}
