using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Storage;
using Switchboard.Server.Storage.Postgres;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Storage;

/// <summary>
/// What every event store promises (IEventStore), run against each provider: SQLite and a real
/// PostgreSQL (a private server started by the tests).
/// </summary>
public abstract class EventStoreContract
{
    private static readonly DateTimeOffset T0 = StoreEvents.T0;

    /// <summary>Opens a store on a database of its own; a second call with the same key opens another store (node) on the same database.</summary>
    protected abstract Task<(IEventStore Store, IAsyncDisposable Lifetime)> OpenAsync(ICommitSink sink, string database = "main", int derivedDelayMilliseconds = 20);

    private static NewEvent Event(string callId, string id, string type = "x-note", int second = 0, string data = """{"note":"n"}""") =>
        StoreEvents.Event(callId, id, type, second, data);

    [Fact]
    public async Task Seqs_are_gap_free_per_call_and_a_repeated_event_gets_its_original_seq()
    {
        var sink = new RecordingSink();
        var (store, lifetime) = await OpenAsync(sink);
        await using var _ = lifetime;
        var first = await store.AppendAsync([Event("A", "1", EventTypes.CallStarted), Event("B", "1", EventTypes.CallStarted), Event("A", "2")], CancellationToken.None);
        var second = await store.AppendAsync([Event("A", "3"), Event("A", "2"), Event("A", "3")], CancellationToken.None);

        Assert.Equal([(1L, false), (1L, false), (2L, false)], first.Select(r => (r.Seq, r.Duplicate)));
        Assert.Equal([(3L, false), (2L, true), (3L, true)], second.Select(r => (r.Seq, r.Duplicate)));
        var stored = await store.ReadAsync("A", 0, 100, CancellationToken.None);
        Assert.Equal([1L, 2L, 3L], stored.Select(e => e.Seq));
        Assert.Equal(["1", "2", "3"], stored.Select(e => e.Id));
        Assert.Equal(T0, stored[0].At);
        Assert.Equal("n", stored[2].Data.GetProperty("note").GetString());
        // The sink saw each new event once, duplicates excluded.
        Assert.Equal(4, sink.Events.Count);
    }

    [Fact]
    public async Task An_appender_resumes_on_the_thread_pool_not_on_the_writer_thread_whether_or_not_its_wait_can_be_cancelled()
    {
        var (store, lifetime) = await OpenAsync(new RecordingSink());
        await using var _ = lifetime;
        using var cancellable = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        foreach (var (token, i) in new[] { (cancellable.Token, 0), (CancellationToken.None, 1), (cancellable.Token, 2) })
        {
            // Without a context to return to, the code after the append runs wherever the append's
            // task completed: it must not be the writer's own thread, which would then carry out
            // each caller's follow-up (its acknowledgement and what comes after) before the next commit.
            var (onPool, thread) = await Task.Run(() => ResumedAsync(store, Event("T", "t" + i), token));
            Assert.True(onPool, $"append {i} resumed on the writer thread '{thread}'");
        }

        static async Task<(bool OnPool, string? Thread)> ResumedAsync(IEventStore store, NewEvent e, CancellationToken token)
        {
            await store.AppendAsync([e], token).ConfigureAwait(false);
            return (Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name);
        }
    }

    [Fact]
    public async Task Derived_events_wait_for_the_next_batch_of_their_calls_and_commit_in_its_transaction()
    {
        var sink = new RecordingSink();
        // A delay far longer than the test: the derived events can only be committed by the batch that joins them.
        var (store, lifetime) = await OpenAsync(sink, derivedDelayMilliseconds: 600_000);
        await using var _ = lifetime;
        await store.AppendAsync([Event("J", "start", EventTypes.CallStarted), Event("K", "start", EventTypes.CallStarted)], CancellationToken.None);

        var derived = store.AppendDerivedAsync([Event("J", "score-1"), Event("K", "score-1")], CancellationToken.None);
        // Time for the writer to take the derived group and, were it not held, commit it alone.
        await Task.Delay(300);
        Assert.False(derived.IsCompleted, "the derived events committed without a batch to join");
        var agent = await store.AppendAsync([Event("J", "line-2"), Event("K", "line-2")], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var scores = await derived.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([2L, 2L], scores.Select(r => r.Seq));
        Assert.Equal([3L, 3L], agent.Select(r => r.Seq));
        // One transaction for both, in the order they were queued.
        Assert.Equal(2, sink.Batches.Count);
        Assert.Equal([("J", "score-1"), ("K", "score-1"), ("J", "line-2"), ("K", "line-2")], sink.Batches[1].Events.Select(e => (e.CallId, e.Id)));
    }

    [Fact]
    public async Task A_batch_for_other_calls_commits_first_and_the_held_derived_events_right_after_it()
    {
        var sink = new RecordingSink();
        var (store, lifetime) = await OpenAsync(sink, derivedDelayMilliseconds: 600_000);
        await using var _ = lifetime;
        var derived = store.AppendDerivedAsync([Event("Q", "score-1")], CancellationToken.None);
        await Task.Delay(300);
        Assert.False(derived.IsCompleted, "the derived events committed without a batch to join");

        // The batch does not also write the other call's derived pages: it commits alone, first.
        await store.AppendAsync([Event("R", "line-1")], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await derived.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([["R"], ["Q"]], sink.Batches.Select(b => b.Events.Select(e => e.CallId).ToArray()));
    }

    [Fact]
    public async Task Derived_events_commit_on_their_own_after_the_delay_or_at_once_when_there_are_many()
    {
        var sink = new RecordingSink();
        var (store, lifetime) = await OpenAsync(sink, derivedDelayMilliseconds: 50);
        await using var _ = lifetime;
        var alone = await store.AppendDerivedAsync([Event("L", "score-1")], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1L, alone[0].Seq);

        var (patient, patientLifetime) = await OpenAsync(new RecordingSink(), "patient", derivedDelayMilliseconds: 600_000);
        await using var __ = patientLifetime;
        // A group as large as a commit is worth is not held back for a batch to join it.
        var many = Enumerable.Range(0, GroupCommitQueue.DerivedEventsWorthACommit).Select(i => Event("M" + (i % 8), "score-" + i)).ToList();
        var committed = await patient.AppendDerivedAsync(many, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(many.Count, committed.Count(r => !r.Duplicate));
        Assert.Single(sink.Batches);
    }

    [Fact]
    public async Task A_call_ends_once_and_later_batches_are_told_it_had_ended()
    {
        var sink = new RecordingSink();
        var (store, lifetime) = await OpenAsync(sink);
        await using var _ = lifetime;
        await store.AppendAsync([Event("E", "a", EventTypes.CallStarted), Event("E", "b", EventTypes.CallEnded, 30, """{"reason":"completed"}""")], CancellationToken.None);
        var late = await store.AppendAsync([Event("E", "c", "x-note", 31), Event("E", "d", EventTypes.CallEnded, 32, """{"reason":"error"}""")], CancellationToken.None);

        Assert.Equal(3, late[0].Seq);
        Assert.Equal((2L, true), (late[1].Seq, late[1].Duplicate));
        Assert.Empty(sink.Batches[0].EndedBefore);
        Assert.Contains("E", sink.Batches[^1].EndedBefore);
        var call = Assert.Single(await store.ListCallsAsync(new CallQuery("ended", 10), CancellationToken.None));
        Assert.Equal(("completed", 3L, T0.AddSeconds(30), T0.AddSeconds(31)), (call.EndReason, call.LastSeq, call.EndedAt!.Value, call.LastAt));
        Assert.Empty(await store.ListActiveCallIdsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Calls_are_listed_newest_first_by_status_and_paged_with_a_cursor()
    {
        var (store, lifetime) = await OpenAsync(new RecordingSink());
        await using var _ = lifetime;
        for (var i = 0; i < 5; i++)
        {
            await store.AppendAsync([Event("C" + i, "s", EventTypes.CallStarted, i)], CancellationToken.None);
        }

        await store.AppendAsync([Event("C1", "e", EventTypes.CallEnded, 10, """{"reason":"completed"}""")], CancellationToken.None);

        var all = await store.ListCallsAsync(new CallQuery(null, 3), CancellationToken.None);
        Assert.Equal(["C4", "C3", "C2"], all.Select(c => c.CallId));
        var next = await store.ListCallsAsync(new CallQuery(null, 3, new CallPosition(all[^1].FirstAt, all[^1].CallId)), CancellationToken.None);
        Assert.Equal(["C1", "C0"], next.Select(c => c.CallId));
        Assert.Equal(["C1"], (await store.ListCallsAsync(new CallQuery("ended", 10), CancellationToken.None)).Select(c => c.CallId));
        Assert.Equal(["C0", "C2", "C3", "C4"], (await store.ListActiveCallIdsAsync(CancellationToken.None)).Order(StringComparer.Ordinal));
        var page = await store.ReadAsync("C1", 1, 1, CancellationToken.None);
        Assert.Equal(EventTypes.CallEnded, Assert.Single(page).Type);
    }

    [Fact]
    public async Task The_calls_mark_finds_calls_stored_after_it_and_progress_names_their_last_seq()
    {
        var (store, lifetime) = await OpenAsync(new RecordingSink());
        await using var _ = lifetime;
        await store.AppendAsync([Event("M1", "a"), Event("M1", "b")], CancellationToken.None);
        var mark = await store.CallsMarkAsync(CancellationToken.None);
        await store.AppendAsync([Event("M2", "a"), Event("M1", "c")], CancellationToken.None);

        var progress = await store.CallProgressAsync(mark, ["M1"], CancellationToken.None);
        Assert.Equal([("M1", 3L), ("M2", 1L)], progress.Select(p => (p.CallId, p.LastSeq)).OrderBy(p => p.CallId, StringComparer.Ordinal));
        Assert.True(progress.Single(p => p.CallId == "M2").Mark > mark);
        Assert.True(await store.IsWritableAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_request_the_writer_cannot_store_fails_alone_and_leaves_no_gap()
    {
        var sink = new RecordingSink();
        var (store, lifetime) = await OpenAsync(sink);
        await using var _ = lifetime;
        // Bytes no validation looked at: the writer's own read of them throws.
        var damaged = JsonDocument.Parse((byte[])[.. "{\"note\":\"a"u8, 0xFF, .. "\"}"u8]).RootElement;
        var appends = Enumerable.Range(0, 50)
            .Select(i => store.AppendAsync([i == 25 ? new NewEvent("G" + (i % 5), "e" + i, "x-note", T0, T0, damaged) : Event("G" + (i % 5), "e" + i)], CancellationToken.None))
            .ToList();

        await Assert.ThrowsAsync<EventStoreRefusedException>(() => appends[25]);
        for (var i = 0; i < appends.Count; i++)
        {
            if (i != 25)
            {
                Assert.False((await appends[i])[0].Duplicate);
            }
        }

        Assert.Equal(Enumerable.Range(1, 9).Select(n => (long)n), (await store.ReadAsync("G0", 0, 100, CancellationToken.None)).Select(e => e.Seq));
        Assert.Equal(Enumerable.Range(1, 10).Select(n => (long)n), (await store.ReadAsync("G1", 0, 100, CancellationToken.None)).Select(e => e.Seq));
        Assert.Equal(49, sink.Events.Count);
    }

    [Fact]
    public async Task Concurrent_appenders_get_distinct_gap_free_seqs_and_the_sink_sees_each_call_in_order()
    {
        var sink = new RecordingSink();
        var (store, lifetime) = await OpenAsync(sink);
        await using var _ = lifetime;
        var tasks = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await store.AppendAsync([Event("P" + (i % 4), $"w{w}-{i}-a"), Event("P" + ((i + 1) % 4), $"w{w}-{i}-b")], CancellationToken.None);
            }
        })).ToList();
        await Task.WhenAll(tasks);

        for (var c = 0; c < 4; c++)
        {
            var seqs = (await store.ReadAsync("P" + c, 0, 10_000, CancellationToken.None)).Select(e => e.Seq).ToList();
            // Each worker's 50 batches name call c as "a" or "b" this many times.
            var perWorker = Enumerable.Range(0, 50).Count(i => i % 4 == c) + Enumerable.Range(0, 50).Count(i => (i + 1) % 4 == c);
            Assert.Equal(Enumerable.Range(1, 8 * perWorker).Select(n => (long)n), seqs);
            Assert.Equal(seqs, sink.Events.Where(e => e.CallId == "P" + c).Select(e => e.Seq));
        }
    }
}

/// <summary>Events and a sink shared by the store tests.</summary>
public static class StoreEvents
{
    public static readonly DateTimeOffset T0 = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    public static NewEvent Event(string callId, string id, string type = "x-note", int second = 0, string data = """{"note":"n"}""") =>
        new(callId, id, type, T0.AddSeconds(second), T0.AddSeconds(second), JsonDocument.Parse(data).RootElement.Clone());
}

/// <summary>Records every committed batch.</summary>
public sealed class RecordingSink : ICommitSink
{
    public List<CommittedBatch> Batches { get; } = [];

    public List<StoredEvent> Events
    {
        get
        {
            lock (Batches)
            {
                return [.. Batches.SelectMany(b => b.Events)];
            }
        }
    }

    public void OnCommitted(CommittedBatch batch)
    {
        lock (Batches)
        {
            Batches.Add(batch);
        }
    }
}

public sealed class SqliteEventStoreContract : EventStoreContract, IDisposable
{
    private readonly SqliteDirectories _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    protected override Task<(IEventStore Store, IAsyncDisposable Lifetime)> OpenAsync(ICommitSink sink, string database = "main", int derivedDelayMilliseconds = 20)
    {
        var options = _sqlite.Options(database);
        options.Value.DerivedCommitDelayMilliseconds = derivedDelayMilliseconds;
        var store = new SqliteEventStore(new SqliteConnectionFactory(options), sink, options, NullLogger<SqliteEventStore>.Instance);
        return Task.FromResult<(IEventStore, IAsyncDisposable)>((store, store));
    }
}

public sealed class PostgresEventStoreContract : EventStoreContract
{
    private readonly PostgresStores _stores = new();

    protected override Task<(IEventStore Store, IAsyncDisposable Lifetime)> OpenAsync(ICommitSink sink, string database = "main", int derivedDelayMilliseconds = 20)
    {
        var store = _stores.Open(sink, database, node: null, derivedDelayMilliseconds: derivedDelayMilliseconds);
        return Task.FromResult<(IEventStore, IAsyncDisposable)>((store, store));
    }
}

/// <summary>Opens PostgreSQL stores (nodes) on databases of the shared private server.</summary>
public sealed class PostgresStores
{
    private readonly Dictionary<string, string> _databases = [];

    public string DatabaseOf(string database) => _databases[database];

    public PostgresEventStore Open(ICommitSink sink, string database, string? node, int catchUpSeconds = 5, int derivedDelayMilliseconds = 20)
    {
        if (!_databases.TryGetValue(database, out var connectionString))
        {
            connectionString = PostgresServer.Shared.CreateDatabase();
            _databases[database] = connectionString;
        }

        return new PostgresEventStore(
            sink,
            Options.Create(new StorageOptions { Provider = "postgres", ConnectionString = connectionString, NodeId = node ?? "", FeedCatchUpSeconds = catchUpSeconds, DerivedCommitDelayMilliseconds = derivedDelayMilliseconds }),
            NullLogger<PostgresEventStore>.Instance);
    }
}
