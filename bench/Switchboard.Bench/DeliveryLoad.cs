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
    public sealed record Result(double OfferedPerSecond, double DeliveredPerSecond, int Samples, double P50, double P99, double P999, double ServerCpuPercent, double AckP50, double AckP99);

    public static async Task<Result> RunAsync(ServerUnderTest server, int subscribers, int eventsPerSecond, TimeSpan duration, CancellationToken cancellationToken)
    {
        var agents = new List<SocketAgent>();
        for (var i = 0; i < 4; i++)
        {
            agents.Add(await SocketAgent.ConnectAsync(server.BaseAddress, server.AgentKey, cancellationToken));
        }

        var calls = Enumerable.Range(0, subscribers).Select(i => $"D{i}").ToArray();
        await agents[0].SendAsync(calls.Select(c => WireEvents.Event(c, "call.started", """{"agentName":"bench"}""")).ToList(), null, cancellationToken);

        var latency = new Percentiles();
        var acks = new Percentiles();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var viewer = new HttpClient { BaseAddress = server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.ViewerKey);
        var measuring = 0;
        var ready = 0;
        var readers = calls.Select(c => Task.Run(() => SubscribeAsync(viewer, c, latency, () => Volatile.Read(ref measuring) == 1, () => Interlocked.Increment(ref ready), stop.Token))).ToList();
        while (Volatile.Read(ref ready) < subscribers)
        {
            await Task.Delay(50, cancellationToken);
        }

        const int tickMs = 10;
        var perTick = eventsPerSecond * tickMs / 1000;
        var warmUp = TimeSpan.FromSeconds(1);
        var sent = 0L;
        var pending = new List<Task>();
        var cpuBefore = server.CpuTime;
        var watch = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(tickMs));
        var tick = 0;
        var next = 0;
        while (watch.Elapsed < duration + warmUp && await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (Volatile.Read(ref measuring) == 0 && watch.Elapsed >= warmUp)
            {
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
            }

            pending.RemoveAll(p => p.IsCompleted);
        }

        var elapsed = watch.Elapsed - warmUp;
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        await Task.Delay(500, cancellationToken);
        var cpu = (server.CpuTime - cpuBefore).TotalSeconds / watch.Elapsed.TotalSeconds * 100;
        await stop.CancelAsync();
        await Task.WhenAll(readers).ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var a in agents)
        {
            await a.DisposeAsync();
        }

        return new Result(sent / watch.Elapsed.TotalSeconds, latency.Count / elapsed.TotalSeconds, latency.Count, latency.At(50), latency.At(99), latency.At(99.9), cpu, acks.At(50), acks.At(99));
    }

    private static async Task SubscribeAsync(HttpClient viewer, string callId, Percentiles latency, Func<bool> measuring, Action connected, CancellationToken cancellationToken)
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
                if (measuring())
                {
                    latency.Add(Stopwatch.GetElapsedTime(sentAt, received).TotalMilliseconds);
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
