using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Switchboard.Bench;

/// <summary>
/// Ingest-to-SSE delivery latency: paced load across calls, one SSE subscriber per call stream;
/// each transcript carries its send time, and each subscriber measures on receipt.
/// </summary>
internal static class DeliveryLoad
{
    public sealed record Result(double OfferedPerSecond, double DeliveredPerSecond, int Samples, double P50, double P99, double P999, double ServerCpuPercent, double AckP50, double AckP99)
    {
        /// <summary>Per second of the measured run: deliveries, p99 and the slowest delivery.</summary>
        public IReadOnlyList<(int Count, double P99, double Max)> Timeline { get; init; } = [];

        /// <summary>Garbage-collection pauses in the measured run: server and load generator.</summary>
        public GcFigures ServerGc { get; init; }

        public GcFigures GeneratorGc { get; init; }

        /// <summary>Short calls started and ended beside the load.</summary>
        public int ShortCalls { get; init; }

        /// <summary>Wall-clock start of the measured run, to line the timeline up with server logs.</summary>
        public DateTime MeasuredFromUtc { get; init; }
    }

    public readonly record struct GcFigures(double PauseMs, int Gen0, int Gen1, int Gen2, double AllocatedBytes);

    /// <summary>
    /// Agents send to <paramref name="server"/>; subscribers read from <paramref name="subscribeOn"/> (another node on the same database) or the same server.
    /// Beside the measured load, <paramref name="churnPerSecond"/> short calls a second start and end (no subscriber), so the archive summarises and scores calls meanwhile.
    /// </summary>
    public static async Task<Result> RunAsync(ServerUnderTest server, int subscribers, int eventsPerSecond, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken, ServerUnderTest? subscribeOn = null, double churnPerSecond = 0)
    {
        var agents = new List<SocketAgent>();
        for (var i = 0; i < 4; i++)
        {
            agents.Add(await SocketAgent.ConnectAsync(server.BaseAddress, server.AgentKey, cancellationToken));
        }

        var calls = Enumerable.Range(0, subscribers).Select(i => $"D{i}").ToArray();
        await agents[0].SendAsync(calls.Select(c => WireEvents.Event(c, "call.started", """{"agentName":"bench"}""")).ToList(), null, cancellationToken);

        var latency = new Percentiles();
        var perSecond = Enumerable.Range(0, (int)Math.Ceiling(duration.TotalSeconds) + 2).Select(_ => new Percentiles()).ToArray();
        var acks = new Percentiles();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var viewer = new HttpClient { BaseAddress = (subscribeOn ?? server).BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.ViewerKey);
        var measuring = 0;
        var measuredFrom = 0L;
        var measuredFromUtc = DateTime.MinValue;
        var ready = 0;
        var readers = calls.Select(c => Task.Run(() => SubscribeAsync(viewer, c, latency, perSecond, () => Volatile.Read(ref measuring) == 1 ? measuredFrom : 0, () => Interlocked.Increment(ref ready), stop.Token))).ToList();
        while (Volatile.Read(ref ready) < subscribers)
        {
            await Task.Delay(50, cancellationToken);
        }

        const int tickMs = 10;
        var perTick = eventsPerSecond * tickMs / 1000;
        var sent = 0L;
        var pending = new List<Task>();
        var cpuBefore = TimeSpan.Zero;
        GcFigures serverGcBefore = default, generatorGcBefore = default;
        var sentBefore = 0L;
        var watch = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(tickMs));
        var tick = 0;
        var next = 0;
        var churned = 0;
        while (watch.Elapsed < duration + warmUp && await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (Volatile.Read(ref measuring) == 0 && watch.Elapsed >= warmUp)
            {
                serverGcBefore = await ServerGcAsync(server, cancellationToken);
                cpuBefore = server.CpuTime;
                sentBefore = sent;
                generatorGcBefore = GeneratorGc();
                measuredFrom = Stopwatch.GetTimestamp();
                measuredFromUtc = DateTime.UtcNow;
                Volatile.Write(ref measuring, 1);
            }

            // Catch up if the timer slipped, so the offered rate holds.
            var due = (int)(watch.Elapsed.TotalMilliseconds / tickMs) - tick;
            for (var t = 0; t < Math.Max(1, due); t++, tick++)
            {
                var batch = new List<string>(perTick);
                for (var i = 0; i < perTick; i++)
                {
                    batch.Add(WireEvents.Stamped(calls[next++ % calls.Length]));
                }

                sent += batch.Count;
                pending.Add(agents[tick % agents.Count].SendAsync(batch, Volatile.Read(ref measuring) == 1 ? acks : null, cancellationToken));
                // The short calls due by this tick, each whole in one batch of its own.
                for (; churned < (int)(churnPerSecond * (tick + 1) * tickMs / 1000); churned++)
                {
                    pending.Add(agents[(tick + 1) % agents.Count].SendAsync(WireEvents.ShortCall($"churn-{churned}"), null, cancellationToken));
                }
            }

            pending.RemoveAll(p => p.IsCompleted);
        }

        var elapsed = watch.Elapsed - warmUp;
        var serverGc = Minus(await ServerGcAsync(server, cancellationToken), serverGcBefore);
        var generatorGc = Minus(GeneratorGc(), generatorGcBefore);
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        await Task.Delay(500, cancellationToken);
        var cpu = (server.CpuTime - cpuBefore).TotalSeconds / (watch.Elapsed - warmUp).TotalSeconds * 100;
        await stop.CancelAsync();
        await Task.WhenAll(readers).ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var a in agents)
        {
            await a.DisposeAsync();
        }

        return new Result((sent - sentBefore) / elapsed.TotalSeconds, latency.Count / elapsed.TotalSeconds, latency.Count, latency.At(50), latency.At(99), latency.At(99.9), cpu, acks.At(50), acks.At(99))
        {
            Timeline = perSecond.Where(p => p.Count > 0).Select(p => (p.Count, p.At(99), p.At(100))).ToList(),
            ServerGc = serverGc,
            GeneratorGc = generatorGc,
            MeasuredFromUtc = measuredFromUtc,
            ShortCalls = churned,
        };
    }

    private static async Task<GcFigures> ServerGcAsync(ServerUnderTest server, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, double> metrics;
        try
        {
            metrics = await server.MetricsAsync(cancellationToken);
        }
        catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Telemetry:Enabled=false: no /metrics, so no server GC figures.
            return new GcFigures(0, 0, 0, 0, 0);
        }

        // The runtime counts each collection under the oldest generation it collected; the
        // figures here count, as GC.CollectionCount does, each generation with the older ones.
        double Gen(string g) => metrics.GetValueOrDefault($"dotnet_gc_collections_total{{gc_heap_generation=\"{g}\"}}");
        var gen2 = Gen("gen2");
        var gen1 = gen2 + Gen("gen1");
        return new GcFigures(metrics["dotnet_gc_pause_time_seconds_total"] * 1000, (int)(gen1 + Gen("gen0")), (int)gen1, (int)gen2, metrics["dotnet_gc_heap_total_allocated_bytes_total"]);
    }

    private static GcFigures GeneratorGc() =>
        new(GC.GetTotalPauseDuration().TotalMilliseconds, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes());

    private static GcFigures Minus(GcFigures a, GcFigures b) => new(a.PauseMs - b.PauseMs, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.AllocatedBytes - b.AllocatedBytes);

    private static async Task SubscribeAsync(HttpClient viewer, string callId, Percentiles latency, Percentiles[] perSecond, Func<long> measuredFrom, Action connected, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await viewer.GetAsync($"/api/v1/calls/{callId}/stream", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            connected();
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var at = line.IndexOf("\"text\":\"t=", StringComparison.Ordinal);
                if (at < 0)
                {
                    continue;
                }

                var received = Stopwatch.GetTimestamp();
                var start = at + 10;
                var end = line.IndexOf(' ', start);
                var sentAt = long.Parse(line.AsSpan(start, end - start), CultureInfo.InvariantCulture);
                var from = measuredFrom();
                if (from != 0)
                {
                    var ms = Stopwatch.GetElapsedTime(sentAt, received).TotalMilliseconds;
                    latency.Add(ms);
                    var second = (int)Stopwatch.GetElapsedTime(from, received).TotalSeconds;
                    perSecond[Math.Min(second, perSecond.Length - 1)].Add(ms);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }
}
