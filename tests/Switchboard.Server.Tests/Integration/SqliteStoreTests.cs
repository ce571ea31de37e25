using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Storage;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed class SqliteStoreTests : IDisposable
{
    private readonly SqliteDirectories _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    private SqliteConnectionFactory Factory() => new(Options.Create(new StorageOptions { DataDirectory = _sqlite.Root }));

    [Fact]
    public void Migrations_bring_a_new_database_to_the_latest_version_once()
    {
        Factory();
        Factory();
        using var connection = Factory().Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), MAX(version) FROM schema_version; PRAGMA journal_mode;";
        using var reader = command.ExecuteReader();
        reader.Read();
        Assert.Equal(SqliteMigrations.Steps.Length, reader.GetInt64(0));
        Assert.Equal(SqliteMigrations.Steps.Length, reader.GetInt64(1));
        reader.NextResult();
        reader.Read();
        Assert.Equal("wal", reader.GetString(0));
    }

    [Fact]
    public async Task The_writer_tells_the_sink_which_calls_had_already_ended()
    {
        var sink = new RecordingSink();
        await using var store = new SqliteEventStore(Factory(), sink, Options.Create(new StorageOptions { DataDirectory = _sqlite.Root }), NullLogger<SqliteEventStore>.Instance);
        var now = DateTimeOffset.UtcNow;
        var data = JsonDocument.Parse("""{"reason":"completed"}""").RootElement;
        await store.AppendAsync([new NewEvent("E1", "a", EventTypes.CallStarted, now, now, default), new NewEvent("E1", "b", EventTypes.CallEnded, now, now, data)], CancellationToken.None);
        var results = await store.AppendAsync([new NewEvent("E1", "c", EventTypes.Debug, now, now, default)], CancellationToken.None);

        Assert.Equal(3, results[0].Seq);
        Assert.Empty(sink.Batches[0].EndedBefore);
        Assert.Contains("E1", sink.Batches[1].EndedBefore);
        var calls = await store.ListCallsAsync(new CallQuery("ended", 10), CancellationToken.None);
        Assert.Equal("completed", Assert.Single(calls).EndReason);
        Assert.Equal(3, calls[0].LastSeq);
    }

    [Fact]
    public async Task Under_a_steady_load_every_checkpoint_round_copies_the_whole_wal_and_the_wal_starts_again()
    {
        var options = Options.Create(new StorageOptions { DataDirectory = _sqlite.Root });
        var factory = Factory();
        await using var store = new SqliteEventStore(factory, new RecordingSink(), options, NullLogger<SqliteEventStore>.Instance);
        var checkpointer = new SqliteCheckpointer(factory, store, options, NullLogger<SqliteCheckpointer>.Instance);
        using var stop = new CancellationTokenSource();
        var appended = 0;
        // A writer that never pauses: 50 events over 50 of 100 calls per commit, back to back.
        var load = Task.Run(async () =>
        {
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                var now = DateTimeOffset.UtcNow;
                var events = Enumerable.Range(0, 50)
                    .Select(i => new NewEvent($"L{(batch * 50 + i) % 100}", $"e{batch}-{i}", EventTypes.Debug, now, now, default))
                    .ToList();
                await store.AppendAsync(events, CancellationToken.None);
                Interlocked.Add(ref appended, events.Count);
            }
        });
        while (Volatile.Read(ref appended) < 5_000)
        {
            await Task.Delay(10);
        }

        var restartsBefore = WalRestarts();
        var left = new List<long>();
        for (var round = 0; round < 5; round++)
        {
            var before = Volatile.Read(ref appended);
            left.Add(checkpointer.Checkpoint());
            // The WAL starts again at the writer's next commit after a complete round.
            while (Volatile.Read(ref appended) < before + 500)
            {
                await Task.Delay(5);
            }
        }

        await stop.CancelAsync();
        await load;
        Assert.All(left, l => Assert.Equal(0, l));
        // A restart can be put off to the next round when a checkpoint pass holds a reader lock
        // just as the writer begins; without the final pass it does not happen at all under this load.
        var restarts = WalRestarts() - restartsBefore;
        Assert.True(restarts >= 3, $"the WAL started again {restarts} times in 5 rounds");
    }

    [Fact]
    public void A_new_database_gets_the_configured_page_size_and_an_existing_one_keeps_its_own()
    {
        using (var connection = new SqliteConnectionFactory(Options.Create(new StorageOptions { DataDirectory = _sqlite.Root, PageSizeBytes = 2048 })).Open())
        {
            Assert.Equal(2048L, PageSize(connection));
        }

        using var reopened = Factory().Open();
        Assert.Equal(2048L, PageSize(reopened));
        Assert.Equal(1024, new StorageOptions().PageSizeBytes);

        static long PageSize(Microsoft.Data.Sqlite.SqliteConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA page_size;";
            return (long)command.ExecuteScalar()!;
        }
    }

    [Fact]
    public async Task A_writer_waiting_for_another_connections_lock_waits_for_it_and_then_writes()
    {
        var factory = Factory();
        using var holder = factory.Open();
        using var waiter = factory.Open();
        using (var timeout = waiter.CreateCommand())
        {
            timeout.CommandText = "PRAGMA busy_timeout;";
            Assert.Equal((long)SqliteConnectionFactory.BusyTimeoutMilliseconds, (long)timeout.ExecuteScalar()!);
        }

        Exec(holder, "CREATE TABLE IF NOT EXISTS busy_probe (n INTEGER); BEGIN IMMEDIATE; INSERT INTO busy_probe VALUES (1);");
        var write = Task.Run(() => Exec(waiter, "BEGIN IMMEDIATE; INSERT INTO busy_probe VALUES (2); COMMIT;"));
        // Still waiting while the lock is held (it would fail with SQLITE_BUSY at once without a timeout).
        await Task.Delay(200, CancellationToken.None);
        Assert.False(write.IsCompleted, "the second writer must wait for the lock");

        Exec(holder, "COMMIT;");
        await write.WaitAsync(TimeSpan.FromSeconds(10));
        using var count = holder.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM busy_probe;";
        Assert.Equal(2L, (long)count.ExecuteScalar()!);

        static void Exec(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }

    [Fact]
    public void The_writer_gets_the_configured_page_cache_and_readers_keep_sqlites_default()
    {
        var factory = new SqliteConnectionFactory(Options.Create(new StorageOptions { DataDirectory = _sqlite.Root, WriterCacheMegabytes = 24 }));
        using var writer = factory.OpenWriter();
        using var reader = factory.Open();
        Assert.Equal(-24 * 1024L, CacheSize(writer));
        Assert.Equal(-2000L, CacheSize(reader));
        Assert.Equal(4, new StorageOptions().WriterCacheMegabytes);

        static long CacheSize(Microsoft.Data.Sqlite.SqliteConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA cache_size;";
            return (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>The WAL header's checkpoint sequence number (bytes 12–15, big-endian): it goes up each time the WAL starts again.</summary>
    private uint WalRestarts()
    {
        using var wal = new FileStream(Path.Combine(_sqlite.Root, "switchboard.db-wal"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var header = new byte[16];
        wal.ReadExactly(header);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12));
    }

    [Fact]
    public async Task A_request_the_writer_cannot_store_fails_alone_and_every_other_request_of_its_group_commits()
    {
        var sink = new RecordingSink();
        await using var store = new SqliteEventStore(Factory(), sink, Options.Create(new StorageOptions { DataDirectory = _sqlite.Root }), NullLogger<SqliteEventStore>.Instance);
        var now = DateTimeOffset.UtcNow;
        // Bytes no validation looked at: the writer's own read of them throws.
        var damaged = JsonDocument.Parse((byte[])[.. "{\"note\":\"a"u8, 0xFF, .. "\"}"u8]).RootElement;
        var good = JsonDocument.Parse("""{"note":"fine"}""").RootElement;
        var appends = Enumerable.Range(0, 50)
            .Select(i => store.AppendAsync([new NewEvent("G" + (i % 5), "e" + i, "x-note", now, now, i == 25 ? damaged : good)], CancellationToken.None))
            .ToList();

        var failure = await Assert.ThrowsAsync<EventStoreRefusedException>(() => appends[25]);
        Assert.Contains("refused", failure.Message, StringComparison.Ordinal);
        for (var i = 0; i < appends.Count; i++)
        {
            if (i != 25)
            {
                Assert.False((await appends[i])[0].Duplicate);
            }
        }

        var stored = sink.Batches.SelectMany(b => b.Events).ToList();
        Assert.Equal(49, stored.Count);
        // The refused request left no gap in its call's sequence.
        Assert.Equal(Enumerable.Range(1, 9).Select(n => (long)n), stored.Where(e => e.CallId == "G0").Select(e => e.Seq).Order());
        Assert.Equal(Enumerable.Range(1, 10).Select(n => (long)n), stored.Where(e => e.CallId == "G1").Select(e => e.Seq).Order());
    }

    private sealed class RecordingSink : ICommitSink
    {
        public List<CommittedBatch> Batches { get; } = [];

        public void OnCommitted(CommittedBatch batch)
        {
            lock (Batches)
            {
                Batches.Add(batch);
            }
        }
    }
}
