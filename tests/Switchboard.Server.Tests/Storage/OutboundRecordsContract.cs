using Switchboard.Server.Outbound;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Storage;

/// <summary>What the outbound cursors and delivery log promise, on SQLite and on a real PostgreSQL.</summary>
public abstract class OutboundRecordsContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract IOutboundRecords Open();

    [Fact]
    public async Task Saves_made_together_are_each_written_only_where_their_cursor_had_not_moved_and_log_only_their_own_attempts()
    {
        var records = Open();
        var subscription = new OutboundSubscription("sub_1", "crm", "http://127.0.0.1:9/hook", "whsec_AAAA", null, null, ["*"], null, false, StoreEvents.T0, 0, 1);
        var calls = Enumerable.Range(1, 40).Select(i => "C" + i).ToList();
        await records.AddAsync(subscription, [.. calls.Select(c => (c, 0L))], None);

        // Every call moves to seq 3 with its three acknowledged attempts, at the same time; call
        // C7's deliverer thinks the cursor is at 1, as if a replay had moved it.
        var saves = calls.Select(call =>
        {
            var attempts = Enumerable.Range(1, 3)
                .Select(seq => new DeliveryAttempt("sub_1", StoreEvents.T0, DeliveryId.Of("sub_1", call, seq), call, seq, "transcript.final", 1, 204, null, 1.5))
                .ToList();
            var moved = new OutboundCursor("sub_1", call, 3, false, null, null, false, StoreEvents.T0);
            return records.SaveAsync(moved, call == "C7" ? 1 : 0, attempts, None);
        }).ToList();
        var written = await Task.WhenAll(saves);

        Assert.Equal(calls.Select(c => c != "C7"), written);
        var cursors = (await records.CursorsAsync("sub_1", None)).ToDictionary(c => c.CallId);
        Assert.Equal(0, cursors["C7"].DeliveredSeq);
        Assert.All(calls.Where(c => c != "C7"), c => Assert.Equal(3, cursors[c].DeliveredSeq));
        var log = await records.AttemptsAsync("sub_1", null, null, 500, None);
        Assert.Equal(39 * 3, log.Count);
        Assert.DoesNotContain(log, a => a.Attempt.CallId == "C7");
        Assert.Equal(
            [1L, 2L, 3L],
            log.Where(a => a.Attempt.CallId == "C12").Select(a => a.Attempt.Seq).Order());

        // A failure is kept with the cursor, and a save with no attempts writes the cursor alone.
        var failing = cursors["C7"] with { FailingSince = StoreEvents.T0, LastError = "HTTP 503" };
        Assert.True(await records.SaveAsync(failing, 0, [], None));
        var again = (await records.CursorsAsync("sub_1", None)).Single(c => c.CallId == "C7");
        Assert.Equal("HTTP 503", again.LastError);
        Assert.Equal(39 * 3, (await records.AttemptsAsync("sub_1", null, null, 500, None)).Count);
    }
}

public sealed class SqliteOutboundRecordsContract : OutboundRecordsContract, IDisposable
{
    private readonly SqliteDirectories _sqlite = new();
    private readonly List<SqliteOutboundRecords> _opened = [];

    public void Dispose()
    {
        _opened.ForEach(r => r.Dispose());
        _sqlite.Dispose();
    }

    protected override IOutboundRecords Open()
    {
        var records = new SqliteOutboundRecords(_sqlite.Open("main"));
        _opened.Add(records);
        return records;
    }
}

public sealed class PostgresOutboundRecordsContract : OutboundRecordsContract, IDisposable
{
    private readonly PostgresDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    protected override IOutboundRecords Open() => new PostgresOutboundRecords(_databases.Open("main"));
}
