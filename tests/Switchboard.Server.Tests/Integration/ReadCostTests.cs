using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Storage;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>Reads cost what they should: an ended call is read from its snapshot, lists are paged and say so.</summary>
public sealed class ReadCostTests : IDisposable
{
    private readonly SwitchboardApp _app = new();
    private readonly CountingStore _counting = new();
    private readonly HttpClient _agent;
    private readonly HttpClient _viewer;

    public ReadCostTests()
    {
        _app.ConfigureServices = services => services.AddSingleton<IEventStore>(sp => _counting.Wrap(sp.GetRequiredService<SqliteEventStore>()));
        _agent = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Agent));
        _viewer = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Viewer));
    }

    public void Dispose() => _app.Dispose();

    private async Task PostLongCallAsync(string callId, int lines)
    {
        await Events.PostAsync(_agent, Events.Started(callId));
        for (var start = 0; start < lines; start += 500)
        {
            await Events.PostAsync(_agent, [.. Enumerable.Range(start, 500).Select(i => Events.Line(callId, "l" + i, "line " + i))]);
        }

        await Events.PostAsync(_agent, Events.Ended(callId));
    }

    private long SnapshotSeq(string callId)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_app.DataDirectory, "switchboard.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT last_seq FROM call_snapshots WHERE call_id = $c;";
        command.Parameters.AddWithValue("$c", callId);
        return command.ExecuteScalar() as long? ?? -1;
    }

    private async Task WaitForSummaryAsync(string callId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while ((await _viewer.GetAsync($"/api/v1/calls/{callId}/summary", cts.Token)).StatusCode != System.Net.HttpStatusCode.OK)
        {
            await Task.Delay(20, cts.Token);
        }
    }

    private async Task WaitForSnapshotAsync(string callId, long seq)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (SnapshotSeq(callId) != seq)
        {
            await Task.Delay(20, cts.Token);
        }
    }

    [Fact]
    public async Task An_ended_call_is_read_from_its_snapshot_not_folded_from_its_whole_log_on_every_request()
    {
        await PostLongCallAsync("LONG", 3000);
        await WaitForSnapshotAsync("LONG", 3002);
        // The archiver reads an ended call's log once to summarise it; that read is not the API's.
        await WaitForSummaryAsync("LONG");
        _counting.Reset();

        for (var i = 0; i < 5; i++)
        {
            var call = await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls/LONG");
            Assert.Equal("ended", call.GetProperty("status").GetString());
            Assert.Equal(3002, call.GetProperty("lastSeq").GetInt64());
            Assert.Equal("line 2999", call.GetProperty("recentTranscript").EnumerateArray().Last().GetProperty("text").GetString());
        }

        Assert.Equal(0, _counting.EventsRead);
    }

    [Fact]
    public async Task Concurrent_reads_of_an_ended_call_without_a_snapshot_fold_its_log_once()
    {
        await PostLongCallAsync("COLD", 3000);
        await WaitForSnapshotAsync("COLD", 3002);
        await WaitForSummaryAsync("COLD");
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_app.DataDirectory, "switchboard.db")};Pooling=false"))
        {
            connection.Open();
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM call_snapshots;";
            delete.ExecuteNonQuery();
        }

        _counting.Reset();
        var reads = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls/COLD")));

        Assert.All(reads, r => Assert.Equal(3002, r.GetProperty("lastSeq").GetInt64()));
        Assert.InRange(_counting.EventsRead, 3002, 2 * 3002);
        Assert.Equal(3002, SnapshotSeq("COLD"));
    }

    [Fact]
    public async Task Late_events_of_an_ended_call_bring_its_snapshot_up_to_date_without_reopening_it()
    {
        await Events.PostAsync(_agent, Events.Started("LATE"), Events.Line("LATE", "l1", "bye"), Events.Ended("LATE"));
        await WaitForSnapshotAsync("LATE", 3);
        await Events.PostAsync(_agent, Events.Line("LATE", "l2", "flushed after the end"));

        var call = await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls/LATE");
        Assert.Equal("ended", call.GetProperty("status").GetString());
        Assert.Equal(4, call.GetProperty("lastSeq").GetInt64());
        Assert.Equal(4, SnapshotSeq("LATE"));
    }

    [Fact]
    public async Task Events_after_an_end_in_the_same_batch_do_not_reopen_the_call()
    {
        await Events.PostAsync(_agent, Events.Started("SAME"), Events.Ended("SAME"), Events.Line("SAME", "l1", "still here?"));

        var list = await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls");
        Assert.Empty(list.GetProperty("calls").EnumerateArray());
        Assert.Equal("ended", (await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls/SAME")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_active_list_is_paged_and_says_how_many_calls_there_are()
    {
        await Events.PostAsync(_agent, [.. Enumerable.Range(0, 250).Select(i => Events.Started($"P{i:D3}"))]);

        var first = await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls");
        Assert.Equal(200, first.GetProperty("calls").GetArrayLength());
        Assert.Equal(250, first.GetProperty("total").GetInt32());
        var second = await _viewer.GetFromJsonAsync<JsonElement>(first.GetProperty("next").GetString());
        Assert.Equal(50, second.GetProperty("calls").GetArrayLength());
        Assert.False(second.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String);
        var ids = first.GetProperty("calls").EnumerateArray().Concat(second.GetProperty("calls").EnumerateArray()).Select(c => c.GetProperty("callId").GetString()).ToHashSet();
        Assert.Equal(250, ids.Count);
    }

    [Fact]
    public async Task Stored_calls_are_paged_newest_first_with_a_cursor()
    {
        foreach (var i in Enumerable.Range(0, 5))
        {
            // Two calls share each start time, and the ids hold '%', which the cursor must carry as it is.
            await Events.PostAsync(_agent, Events.Make($"E{i}%41", "s", EventTypes.CallStarted, new { }, second: i / 2), Events.Ended($"E{i}%41"));
        }

        var seen = new List<string>();
        var url = "/api/v1/calls?status=ended&limit=2";
        while (url is not null)
        {
            var page = await _viewer.GetFromJsonAsync<JsonElement>(url);
            seen.AddRange(page.GetProperty("stored").EnumerateArray().Select(c => c.GetProperty("callId").GetString()!));
            url = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }

        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(5, seen.Count);
    }

    /// <summary>Counts the events read from the log, to show what a request costs.</summary>
    public sealed class CountingStore
    {
        private long _eventsRead;

        public long EventsRead => Interlocked.Read(ref _eventsRead);

        public void Reset() => Interlocked.Exchange(ref _eventsRead, 0);

        public IEventStore Wrap(IEventStore inner) => new Counted(inner, this);

        private sealed class Counted(IEventStore inner, CountingStore counts) : IEventStore
        {
            public Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken) => inner.AppendAsync(events, cancellationToken);

            public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string callId, long afterSeq, int limit, CancellationToken cancellationToken)
            {
                var events = await inner.ReadAsync(callId, afterSeq, limit, cancellationToken);
                Interlocked.Add(ref counts._eventsRead, events.Count);
                return events;
            }

            public Task<IReadOnlyList<CallRecord>> ListCallsAsync(CallQuery query, CancellationToken cancellationToken) => inner.ListCallsAsync(query, cancellationToken);

            public Task<IReadOnlyList<string>> ListActiveCallIdsAsync(CancellationToken cancellationToken) => inner.ListActiveCallIdsAsync(cancellationToken);

            public Task<long> CallsMarkAsync(CancellationToken cancellationToken) => inner.CallsMarkAsync(cancellationToken);

            public Task<IReadOnlyList<CallProgress>> CallProgressAsync(long createdAfter, IReadOnlyCollection<string> callIds, CancellationToken cancellationToken) =>
                inner.CallProgressAsync(createdAfter, callIds, cancellationToken);

            public Task<bool> IsWritableAsync(CancellationToken cancellationToken) => inner.IsWritableAsync(cancellationToken);
        }
    }
}
