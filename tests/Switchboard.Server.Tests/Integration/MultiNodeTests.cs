using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Events;
using Switchboard.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Server.Tests.Integration;

/// <summary>
/// Three server processes on one PostgreSQL database: an agent writes on node A, viewers watch
/// on node C and on A, then A is killed with SIGKILL under load. The agent goes on on node B,
/// the stream that A held resumes on B from its last seq, and every acknowledged event is in
/// the log once, in order, and on every stream with no gap and no duplicate.
/// </summary>
public sealed class MultiNodeTests : IDisposable
{
    private const int Calls = 4;
    private const int BatchesPerCall = 60;
    private const int EventsPerBatch = 10;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public MultiNodeTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => ServerProcess.DeleteDataDirectory(_root);

    private static ServerSettings Node(string database, string node) => ServerSettings.Tests with
    {
        Arguments = ["--Storage:Provider=postgres", "--Storage:ConnectionString=" + database, "--Storage:NodeId=" + node, "--Storage:FeedCatchUpSeconds=2", "--Accounts:RevocationCheckSeconds=1"],
    };

    [Fact]
    public async Task A_node_killed_under_load_loses_no_acknowledged_event_and_every_stream_resumes_elsewhere_without_a_gap()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var database = PostgresServer.Shared.CreateDatabase();
        string Dir(string node) => Path.Combine(_root, node);
        var agentKey = await ServerProcess.CreateKeyAsync(Dir("a"), Node(database, "a"), "agent", "agent", cts.Token);
        // Created through another node's data directory: the key lives in the shared database.
        var viewerKey = await ServerProcess.CreateKeyAsync(Dir("b"), Node(database, "b"), "viewer", "viewer", cts.Token);
        using var a = await ServerProcess.StartAsync(Dir("a"), Node(database, "a"), cts.Token);
        using var b = await ServerProcess.StartAsync(Dir("b"), Node(database, "b"), cts.Token);
        using var c = await ServerProcess.StartAsync(Dir("c"), Node(database, "c"), cts.Token);
        HttpClient Client(ServerProcess node, string key)
        {
            var client = new HttpClient { BaseAddress = node.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
            return client;
        }

        using var agentOnA = Client(a, agentKey);
        using var agentOnB = Client(b, agentKey);
        using var viewerOnA = Client(a, viewerKey);
        using var viewerOnB = Client(b, viewerKey);
        using var viewerOnC = Client(c, viewerKey);
        var callIds = Enumerable.Range(0, Calls).Select(i => $"mn-{i}").ToArray();
        foreach (var callId in callIds)
        {
            await Events.PostAsync(agentOnA, Events.Started(callId));
        }

        // Streams: every call on node C, and call 0 on node A (which will die).
        var onC = callIds.ToDictionary(id => id, id => new StreamLog());
        var streamsOnC = callIds.Select(id => onC[id].FollowAsync(viewerOnC, $"/api/v1/calls/{id}/stream", null, cts.Token)).ToList();
        var onA = new StreamLog();
        var streamOnA = onA.FollowAsync(viewerOnA, $"/api/v1/calls/{callIds[0]}/stream", null, cts.Token);
        await WaitForAsync(() => callIds.All(id => onC[id].LastSeq >= 1) && onA.LastSeq >= 1, "the streams' history", cts.Token);

        // The agent: batches per call on A until A dies, then the same batch again on B.
        var acknowledged = new ConcurrentDictionary<(string CallId, string EventId), long>();
        var killedAt = 0L;
        var firstAckAfterKill = 0L;
        var movedToB = 0;
        var writers = callIds.Select(callId => Task.Run(async () =>
        {
            var client = agentOnA;
            for (var batch = 0; batch < BatchesPerCall; batch++)
            {
                var events = Enumerable.Range(0, EventsPerBatch).Select(i => Events.Line(callId, $"b{batch}-{i}", $"line {batch}.{i}")).ToArray();
                var ids = events.Select(e => (string)e["id"]!).ToArray();
                var body = Events.Batch(events);
                while (true)
                {
                    try
                    {
                        using var response = await client.PostAsJsonAsync("/api/v1/events", body, cts.Token);
                        response.EnsureSuccessStatusCode();
                        var ack = (await response.Content.ReadFromJsonAsync<BatchAck>(ContractJson.Options, cts.Token))!;
                        for (var i = 0; i < events.Length; i++)
                        {
                            acknowledged[(callId, ids[i])] = ack.Results[i].Seq;
                        }

                        if (client == agentOnB)
                        {
                            Interlocked.CompareExchange(ref firstAckAfterKill, Stopwatch.GetTimestamp(), 0);
                        }

                        break;
                    }
                    catch (HttpRequestException) when (client == agentOnA && a.HasExited)
                    {
                        // Node A is gone: this batch may or may not have been committed; sending it again is safe.
                        client = agentOnB;
                        Interlocked.Increment(ref movedToB);
                    }
                    catch (HttpRequestException) when (client == agentOnA)
                    {
                        await Task.Delay(20, cts.Token);
                    }
                }

                if (batch == BatchesPerCall / 3 && callId == callIds[0])
                {
                    killedAt = Stopwatch.GetTimestamp();
                    a.Kill();
                }
            }
        }, cts.Token)).ToList();
        await Task.WhenAll(writers);
        Assert.True(a.HasExited);
        Assert.Equal(Calls, movedToB);
        _output.WriteLine($"failover: first acknowledgement on node B {Stopwatch.GetElapsedTime(killedAt, firstAckAfterKill).TotalMilliseconds:F0} ms after kill -9 of node A");

        // The stream node A held resumes on node B from the last seq it delivered.
        var resumedFrom = onA.LastSeq;
        var resumed = new StreamLog();
        var resumedStream = resumed.FollowAsync(viewerOnB, $"/api/v1/calls/{callIds[0]}/stream", resumedFrom.ToString(System.Globalization.CultureInfo.InvariantCulture), cts.Token);

        // Every node's analyzers score the same lines; their derived events carry ids derived from
        // the line, so the log holds each once whichever node wrote it first.
        var lastOfCall0 = 0L;
        foreach (var callId in callIds)
        {
            // The log, read through node B: every acknowledged event once, at its acknowledged seq, no gap.
            var stored = await Events.ReadAllAsync(viewerOnB, callId);
            Assert.Equal(Enumerable.Range(1, stored.Count).Select(n => (long)n), stored.Select(e => e.Seq));
            Assert.Equal(stored.Count, stored.Select(e => e.Id).Distinct().Count());
            Assert.Equal(BatchesPerCall * EventsPerBatch, stored.Count(e => e.Type == EventTypes.TranscriptFinal));
            var seqOf = stored.ToDictionary(e => e.Id, e => e.Seq);
            var acked = acknowledged.Where(p => p.Key.CallId == callId).ToList();
            Assert.Equal(BatchesPerCall * EventsPerBatch, acked.Count);
            Assert.All(acked, p => Assert.Equal(p.Value, seqOf[p.Key.EventId]));
            lastOfCall0 = callId == callIds[0] ? stored.Count : lastOfCall0;

            // Node C's stream saw all of it, committed on A or on B, once and in order.
            await WaitForAsync(() => onC[callId].LastSeq >= stored.Count, $"node C's stream of {callId}", cts.Token);
            var seen = onC[callId].Seqs;
            Assert.Equal(Enumerable.Range(1, seen.Count).Select(n => (long)n), seen);
        }

        await WaitForAsync(() => resumed.LastSeq >= lastOfCall0, "the stream resumed on node B", cts.Token);
        var joined = onA.Seqs.Concat(resumed.Seqs).ToList();
        Assert.Equal(Enumerable.Range(1, joined.Count).Select(n => (long)n), joined);
        Assert.True(resumedFrom < lastOfCall0, "node A died before it had streamed everything, so the resume carried events");

        // A key revoked on one node is refused by the others and loses its open streams there.
        var (_, list, _) = await ServerProcess.RunCommandAsync(Dir("b"), Node(database, "b"), cts.Token, "keys", "list");
        var viewerId = list.Split('\n').Single(l => l.Split('\t') is [_, _, "viewer", ..]).Split('\t')[0];
        Assert.Equal(0, (await ServerProcess.RunCommandAsync(Dir("b"), Node(database, "b"), cts.Token, "keys", "revoke", viewerId)).ExitCode);
        await Task.WhenAll(streamsOnC).WaitAsync(TimeSpan.FromSeconds(15), cts.Token);
        await resumedStream.WaitAsync(TimeSpan.FromSeconds(15), cts.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewerOnC.GetAsync("/api/v1/calls", cts.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewerOnB.GetAsync("/api/v1/calls", cts.Token)).StatusCode);
        await streamOnA;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for " + what);
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The seqs one SSE stream delivered, in the order it delivered them.</summary>
    private sealed class StreamLog
    {
        private readonly List<long> _seqs = [];

        public long LastSeq
        {
            get
            {
                lock (_seqs)
                {
                    return _seqs.Count == 0 ? 0 : _seqs[^1];
                }
            }
        }

        public List<long> Seqs
        {
            get
            {
                lock (_seqs)
                {
                    return [.. _seqs];
                }
            }
        }

        /// <summary>Reads the stream until the server ends it or the connection dies.</summary>
        public Task FollowAsync(HttpClient client, string url, string? lastEventId, CancellationToken cancellationToken) => Task.Run(async () =>
        {
            try
            {
                await foreach (var frame in SseReader.ReadAsync(client, url, lastEventId, cancellationToken))
                {
                    if (frame.Id is { } id && long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var seq))
                    {
                        lock (_seqs)
                        {
                            _seqs.Add(seq);
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                // The node died or ended the stream.
            }
        }, cancellationToken);
    }
}
