using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Tests.Integration;

public sealed class SqliteStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private SqliteConnectionFactory Factory() => new(Options.Create(new StorageOptions { DataDirectory = _directory }));

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
        await using var store = new SqliteEventStore(Factory(), sink, Options.Create(new StorageOptions { DataDirectory = _directory }), NullLogger<SqliteEventStore>.Instance);
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

    private sealed class RecordingSink : ICommitSink
    {
        public List<CommittedBatch> Batches { get; } = [];

        public void OnCommitted(CommittedBatch batch) => Batches.Add(batch);
    }
}
