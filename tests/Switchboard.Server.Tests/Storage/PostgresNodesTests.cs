using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Switchboard.Contracts.Events;
using Switchboard.Server.Storage;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Tests.Storage;

/// <summary>Several nodes on one PostgreSQL log: the store's part (seqs, the feed between nodes, start-up errors).</summary>
public sealed class PostgresNodesTests
{
    private readonly PostgresStores _stores = new();

    private PostgresEventStore Open(ICommitSink sink, string database, string node, int catchUpSeconds = 5) => _stores.Open(sink, database, node, catchUpSeconds);

    private string DatabaseOf(string database) => _stores.DatabaseOf(database);

    private static NewEvent Event(string callId, string id, string type = "x-note", int second = 0, string data = """{"note":"n"}""") =>
        StoreEvents.Event(callId, id, type, second, data);

    [Fact]
    public async Task Two_nodes_writing_the_same_calls_get_gap_free_seqs_and_each_node_sees_every_event_once_in_order()
    {
        var sinkA = new RecordingSink();
        var sinkB = new RecordingSink();
        await using var a = Open(sinkA, "shared", "node-a");
        await using var b = Open(sinkB, "shared", "node-b");
        var writers = new[] { a, b }.SelectMany((node, n) => Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                await node.AppendAsync([Event("N" + (i % 3), $"{n}-{w}-{i}"), Event("N" + ((i + w) % 3), $"{n}-{w}-{i}-b")], CancellationToken.None);
            }
        }))).ToList();
        await Task.WhenAll(writers);

        var total = 2 * 4 * 60 * 2;
        for (var c = 0; c < 3; c++)
        {
            var stored = await a.ReadAsync("N" + c, 0, 10_000, CancellationToken.None);
            Assert.Equal(Enumerable.Range(1, stored.Count).Select(n => (long)n), stored.Select(e => e.Seq));
        }

        Assert.Equal(total, (await Task.WhenAll(Enumerable.Range(0, 3).Select(c => a.ReadAsync("N" + c, 0, 10_000, CancellationToken.None)))).Sum(r => r.Count));
        foreach (var sink in new[] { sinkA, sinkB })
        {
            await WaitFor(() => sink.Events.Count >= total, "every event reaches both nodes");
            var events = sink.Events;
            Assert.Equal(total, events.Count);
            for (var c = 0; c < 3; c++)
            {
                var seqs = events.Where(e => e.CallId == "N" + c).Select(e => e.Seq).ToList();
                Assert.Equal(Enumerable.Range(1, seqs.Count).Select(n => (long)n), seqs);
            }
        }

        // One notification per commit of the other node.
        await WaitFor(() => b.Notifications == a.Commits && a.Notifications == b.Commits, "one notification per commit");
    }

    [Fact]
    public async Task A_commit_of_more_calls_than_one_notification_holds_still_reaches_the_other_node()
    {
        var sinkB = new RecordingSink();
        await using var a = Open(new RecordingSink(), "wide", "node-a");
        await using var b = Open(sinkB, "wide", "node-b");
        // 400 calls with 40-character ids: some 20 KB of call ids, more than a notification may carry.
        var events = Enumerable.Range(0, 400).Select(i => Event($"wide-call-{i:D4}-0123456789abcdefghijklmnopq", "s", EventTypes.CallStarted)).ToList();
        await a.AppendAsync(events, CancellationToken.None);

        await WaitFor(() => sinkB.Events.Count == 400, "node B follows all 400 calls");
        Assert.Equal(1, b.Notifications);
        Assert.True(b.NotificationBytes < LogNotice.MaxPayloadBytes);
        Assert.Equal(400, sinkB.Events.Select(e => e.CallId).Distinct().Count());
    }

    [Fact]
    public async Task A_node_started_later_follows_new_calls_and_hands_late_events_of_ended_calls_as_late()
    {
        await using var a = Open(new RecordingSink(), "later", "node-a");
        await a.AppendAsync([Event("L1", "s", EventTypes.CallStarted), Event("L1", "e", EventTypes.CallEnded, 5, """{"reason":"completed"}"""), Event("L2", "s", EventTypes.CallStarted)], CancellationToken.None);
        var sinkB = new RecordingSink();
        await using var b = Open(sinkB, "later", "node-b");

        await a.AppendAsync([Event("L1", "late"), Event("L2", "more"), Event("L3", "s", EventTypes.CallStarted)], CancellationToken.None);

        await WaitFor(() => sinkB.Events.Count >= 3, "node B gets the three new events");
        var events = sinkB.Events;
        // L2 was active when B started (its start is already folded there): only what is new.
        Assert.Equal([("L1", 3L), ("L2", 2L), ("L3", 1L)], events.Select(e => (e.CallId, e.Seq)).OrderBy(e => e.CallId, StringComparer.Ordinal));
        Assert.Contains("L1", sinkB.Batches.Single(x => x.Events.Any(e => e.CallId == "L1")).EndedBefore);
    }

    [Fact]
    public async Task A_lost_notification_is_made_up_by_the_catch_up_pass()
    {
        var sinkB = new RecordingSink();
        await using var a = Open(new RecordingSink(), "lost", "node-a");
        await using var b = Open(sinkB, "lost", "node-b", catchUpSeconds: 1);
        // A commit written straight into the log, as by a node whose notification never arrived.
        await a.AppendAsync([Event("Q", "1", EventTypes.CallStarted)], CancellationToken.None);
        await WaitFor(() => sinkB.Events.Count == 1, "the notified commit");
        await using (var connection = new NpgsqlConnection(DatabaseOf("lost")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO events (call_id, seq, event_id, type, at, received_at, data) VALUES ('Q', 2, 'silent', 'x-note', 0, 0, '{}');
                UPDATE calls SET last_seq = 2 WHERE call_id = 'Q';
                """, connection);
            await command.ExecuteNonQueryAsync();
        }

        await WaitFor(() => sinkB.Events.Count == 2, "the catch-up pass finds the silent commit");
        Assert.Equal("silent", sinkB.Events[^1].Id);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Database=x;Username=switchboard;Timeout=2", "is not reachable")]
    [InlineData("", "Storage:ConnectionString is empty")]
    [InlineData("Hots=nowhere", "not a valid PostgreSQL connection string")]
    public void A_store_that_cannot_be_used_stops_the_start_with_what_to_fix(string connectionString, string expected)
    {
        var failure = Assert.Throws<StorageStartException>(() => new PostgresEventStore(
            new RecordingSink(),
            Options.Create(new StorageOptions { Provider = "postgres", ConnectionString = connectionString }),
            NullLogger<PostgresEventStore>.Instance));
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_that_does_not_exist_is_named_in_the_error()
    {
        var connectionString = PostgresServer.Shared.ConnectionString("no_such_database");
        var failure = Assert.Throws<StorageStartException>(() => new PostgresEventStore(
            new RecordingSink(),
            Options.Create(new StorageOptions { Provider = "postgres", ConnectionString = connectionString }),
            NullLogger<PostgresEventStore>.Instance));
        Assert.Contains("does not exist", failure.Message, StringComparison.Ordinal);
    }

    private static async Task WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "timed out waiting: " + what);
            await Task.Delay(20);
        }
    }
}
