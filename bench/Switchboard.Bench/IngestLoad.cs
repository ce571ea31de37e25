using System.Diagnostics;
using System.Net.Http.Headers;

namespace Switchboard.Bench;

/// <summary>Durable events/s and acknowledgement latency with WebSocket and HTTP agents at full speed.</summary>
internal static class IngestLoad
{
    public sealed record Result(double EventsPerSecond, long Events, double AckP50, double AckP99, double ServerCpuPercent, double EventsPerCommit);

    public static async Task<Result> RunAsync(ServerUnderTest server, int socketAgents, int httpAgents, int batchSize, int window, TimeSpan duration, CancellationToken cancellationToken, string callPrefix = "")
    {
        var latency = new Percentiles();
        var sockets = new List<SocketAgent>();
        for (var i = 0; i < socketAgents; i++)
        {
            sockets.Add(await SocketAgent.ConnectAsync(server.BaseAddress, server.AgentKey, cancellationToken));
        }

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.AgentKey);
        long httpAcked = 0;
        var committedBefore = await server.MetricAsync("switchboard_events_committed_total", false, cancellationToken);
        var commitsBefore = await server.MetricAsync("switchboard_commits_total", false, cancellationToken);
        var cpuBefore = server.CpuTime;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var watch = Stopwatch.StartNew();
        var tasks = new List<Task>();
        for (var a = 0; a < sockets.Count; a++)
        {
            var agent = sockets[a];
            var agentIndex = a;
            for (var w = 0; w < window; w++)
            {
                var lane = w;
                tasks.Add(Task.Run(async () =>
                {
                    var n = 0;
                    while (!stop.IsCancellationRequested)
                    {
                        var callId = $"{callPrefix}ws{agentIndex}-{lane}-{n++ % 10}";
                        var batch = Enumerable.Range(0, batchSize).Select(_ => WireEvents.Line(callId, "I would like to move my appointment to Thursday please")).ToList();
                        try
                        {
                            await agent.SendAsync(batch, latency, stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                        }
                    }
                }, CancellationToken.None));
            }
        }

        for (var h = 0; h < httpAgents; h++)
        {
            var agentIndex = h;
            tasks.Add(Task.Run(async () =>
            {
                var n = 0;
                while (!stop.IsCancellationRequested)
                {
                    var callId = $"{callPrefix}http{agentIndex}-{n++ % 10}";
                    using var content = new ByteArrayContent(WireEvents.HttpBatch(Enumerable.Range(0, batchSize).Select(_ => WireEvents.Line(callId, "Can I pay by card over the phone"))));
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var response = await http.PostAsync("/api/v1/events", content, stop.Token);
                        response.EnsureSuccessStatusCode();
                        latency.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        Interlocked.Add(ref httpAcked, batchSize);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(tasks);
        var elapsed = watch.Elapsed;
        var cpu = (server.CpuTime - cpuBefore).TotalSeconds / elapsed.TotalSeconds * 100;
        var committed = await server.MetricAsync("switchboard_events_committed_total", false, cancellationToken) - committedBefore;
        var commits = await server.MetricAsync("switchboard_commits_total", false, cancellationToken) - commitsBefore;
        foreach (var s in sockets)
        {
            await s.DisposeAsync();
        }

        var acked = sockets.Sum(s => s.Acked) + httpAcked;
        return new Result(acked / elapsed.TotalSeconds, acked, latency.At(50), latency.At(99), cpu, committed / Math.Max(1, commits));
    }
}
