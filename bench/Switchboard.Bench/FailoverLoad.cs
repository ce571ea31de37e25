using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Switchboard.Bench;

/// <summary>
/// Failover between two nodes on one PostgreSQL: agents send paced load to node A and one SSE
/// stream per call reads from node A; node A is killed with SIGKILL. The agents send what was not
/// acknowledged, and everything after it, to node B; each stream reconnects to node B with
/// <c>Last-Event-ID</c> after the <c>retry:</c> delay the server asked for, as a browser's
/// EventSource does. Measured from the kill: the first batch acknowledged by node B, the first
/// event each resumed stream delivered, and the first event sent after the kill delivered on
/// node B; then every stream is checked against the log for gaps and duplicates.
/// </summary>
internal static class FailoverLoad
{
    public sealed record Result(
        double FirstAckMs,
        double ConnectedMs,
        double FirstResumedMs,
        double MedianResumedMs,
        double LastResumedMs,
        double FirstNewMs,
        int RetryMs,
        int Streams,
        int Gaps,
        int Duplicates,
        int Unfinished,
        int ResentBatches,
        long Acked);

    public static async Task<Result> RunAsync(ServerUnderTest a, ServerUnderTest b, int calls, int eventsPerSecond, TimeSpan before, TimeSpan after, CancellationToken cancellationToken)
    {
        var callIds = Enumerable.Range(0, calls).Select(i => $"F{i}").ToArray();
        var onA = await SocketAgent.ConnectAsync(a.BaseAddress, a.AgentKey, cancellationToken);
        await onA.SendAsync(callIds.Select(c => WireEvents.Event(c, "call.started", """{"agentName":"bench"}""")).ToList(), null, cancellationToken);

        // Node 2 serves an agent of its own, as every node behind a load balancer does (so what is
        // measured is the failover, not the first use of its code paths).
        await using var own = await SocketAgent.ConnectAsync(b.BaseAddress, b.AgentKey, cancellationToken);
        await own.SendAsync([WireEvents.Event("W0", "call.started", """{"agentName":"bench"}""")], null, cancellationToken);
        for (var i = 0; i < 50; i++)
        {
            await own.SendAsync(Enumerable.Range(0, 10).Select(_ => WireEvents.Stamped("W0")).ToList(), null, cancellationToken);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var killedAt = 0L;
        var streams = callIds.Select(c => new FollowedStream(c)).ToArray();
        var readers = streams.Select(s => Task.Run(() => s.FollowAsync(a.BaseAddress, b.BaseAddress, a.ViewerKey, () => Volatile.Read(ref killedAt), stop.Token), CancellationToken.None)).ToList();
        using (var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            ready.CancelAfter(TimeSpan.FromSeconds(30));
            while (streams.Any(s => !s.CaughtUp))
            {
                await Task.Delay(20, ready.Token);
            }
        }

        var current = onA;
        Task<SocketAgent>? toB = null;
        var firstAckOnB = 0L;
        var connectedToB = 0L;
        var resent = 0;
        async Task SendAsync(List<string> batch)
        {
            var agent = Volatile.Read(ref current);
            if (agent == onA)
            {
                try
                {
                    await agent.SendAsync(batch, null, cancellationToken);
                    return;
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // Node A is gone (a send on its aborted socket may also end as cancelled): this batch, acknowledged or not, goes to node B (a batch node A
                    // committed comes back with its original seqs).
                    Interlocked.Increment(ref resent);
                    agent = await LazyInitializer.EnsureInitialized(ref toB, () => ConnectAsync(b, cancellationToken));
                    Volatile.Write(ref current, agent);
                }
            }

            await agent.SendAsync(batch, null, cancellationToken);
            Interlocked.CompareExchange(ref firstAckOnB, Stopwatch.GetTimestamp(), 0);
        }

        const int tickMs = 10;
        var perTick = Math.Max(1, eventsPerSecond * tickMs / 1000);
        var pending = new List<Task>();
        var watch = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(tickMs));
        var tick = 0;
        var next = 0;
        while (watch.Elapsed < before + after && await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (killedAt == 0 && watch.Elapsed >= before)
            {
                Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
                a.Kill();
            }

            var due = (int)(watch.Elapsed.TotalMilliseconds / tickMs) - tick;
            for (var t = 0; t < Math.Max(1, due); t++, tick++)
            {
                var batch = new List<string>(perTick);
                for (var i = 0; i < perTick; i++)
                {
                    batch.Add(WireEvents.Stamped(callIds[next++ % callIds.Length]));
                }

                pending.Add(SendAsync(batch));
            }

            pending.RemoveAll(p => p.IsCompletedSuccessfully);
        }

        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var onB = await toB!;
        async Task<SocketAgent> ConnectAsync(ServerUnderTest node, CancellationToken ct)
        {
            var agent = await SocketAgent.ConnectAsync(node.BaseAddress, node.AgentKey, ct);
            Volatile.Write(ref connectedToB, Stopwatch.GetTimestamp());
            return agent;
        }


        // Every stream reaches its call's last seq on node B, or is counted as unfinished after 30 s.
        using var viewer = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", b.ViewerKey);
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var c in callIds)
        {
            last[c] = await LastSeqAsync(viewer, c, cancellationToken);
        }

        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromSeconds(30) && streams.Any(s => s.LastSeq < last[s.CallId]))
        {
            await Task.Delay(50, cancellationToken);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        var acked = onA.Acked + onB.Acked;
        await onA.DisposeAsync();
        await onB.DisposeAsync();

        double Ms(long at) => at == 0 ? double.NaN : Stopwatch.GetElapsedTime(killedAt, at).TotalMilliseconds;
        var resumed = streams.Select(s => Ms(s.FirstResumed)).Where(ms => !double.IsNaN(ms)).Order().ToList();
        return new Result(
            Ms(firstAckOnB),
            Ms(connectedToB),
            resumed.Count > 0 ? resumed[0] : double.NaN,
            resumed.Count > 0 ? resumed[resumed.Count / 2] : double.NaN,
            resumed.Count > 0 ? resumed[^1] : double.NaN,
            streams.Select(s => Ms(s.FirstNew)).Where(ms => !double.IsNaN(ms)).DefaultIfEmpty(double.NaN).Min(),
            streams.Max(s => s.RetryMs),
            streams.Length,
            streams.Sum(s => s.Gaps),
            streams.Sum(s => s.Duplicates),
            streams.Count(s => s.LastSeq < last[s.CallId]),
            resent,
            acked);
    }

    private static async Task<long> LastSeqAsync(HttpClient viewer, string callId, CancellationToken cancellationToken)
    {
        var call = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/calls/{callId}", cancellationToken);
        return call.GetProperty("lastSeq").GetInt64();
    }

    /// <summary>One call's SSE stream: on node A, then resumed on node B from the last seq it delivered.</summary>
    private sealed class FollowedStream(string callId)
    {
        private readonly HashSet<long> _seen = [];

        public string CallId { get; } = callId;

        public long LastSeq { get; private set; }

        public bool CaughtUp { get; private set; }

        public int Gaps { get; private set; }

        public int Duplicates { get; private set; }

        public int RetryMs { get; private set; } = 3000;

        /// <summary>When the resumed stream delivered its first event.</summary>
        public long FirstResumed { get; private set; }

        /// <summary>When the resumed stream delivered the first event sent after the kill.</summary>
        public long FirstNew { get; private set; }

        public async Task FollowAsync(Uri first, Uri second, string key, Func<long> killedAt, CancellationToken cancellationToken)
        {
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var resumed = false;
            try
            {
                await ReadAsync(http, first, resumed, killedAt, cancellationToken);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
            }

            // The stream ended with its node: reconnect after the delay the server asked for.
            resumed = true;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(RetryMs, cancellationToken);
                    await ReadAsync(http, second, resumed, killedAt, cancellationToken);
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private async Task ReadAsync(HttpClient http, Uri node, bool resumed, Func<long> killedAt, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, $"/api/v1/calls/{CallId}/stream"));
            if (LastSeq > 0)
            {
                request.Headers.Add("Last-Event-ID", LastSeq.ToString(CultureInfo.InvariantCulture));
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            long id = 0;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("retry: ", StringComparison.Ordinal))
                {
                    RetryMs = int.Parse(line.AsSpan(7), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("event: caught-up", StringComparison.Ordinal))
                {
                    CaughtUp = true;
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && id > 0)
                {
                    Delivered(id, line, resumed, killedAt());
                    id = 0;
                }
            }
        }

        private void Delivered(long seq, string data, bool resumed, long killedAt)
        {
            var now = Stopwatch.GetTimestamp();
            if (!_seen.Add(seq))
            {
                Duplicates++;
                return;
            }

            if (seq != LastSeq + 1)
            {
                Gaps++;
            }

            LastSeq = Math.Max(LastSeq, seq);
            if (!resumed)
            {
                return;
            }

            if (FirstResumed == 0)
            {
                FirstResumed = now;
            }

            var at = data.IndexOf("\"text\":\"t=", StringComparison.Ordinal);
            if (FirstNew == 0 && at >= 0 && long.Parse(data.AsSpan(at + 10, 20), CultureInfo.InvariantCulture) > killedAt)
            {
                FirstNew = now;
            }
        }
    }
}
