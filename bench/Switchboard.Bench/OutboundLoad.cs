using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Switchboard.Server.Outbound;
using Switchboard.Testing;

namespace Switchboard.Bench;

/// <summary>
/// Outbound webhooks to a receiver on loopback (the receiver double, verifying every signature):
/// the rate at which a backlog is delivered, and how long after its send an event reaches the
/// receiver while agents send at a steady rate. Every event of the log is delivered, those the
/// server derives too (a <c>sentiment.scored</c> for each line): the rates count them all, and
/// each phase ends when the subscription is behind by nothing.
/// </summary>
internal static partial class OutboundLoad
{
    public sealed record Result(int Backlog, int BacklogDeliveries, double BacklogPerSecond, double OfferedPerSecond, int Received, int Deliveries, double DeliveriesPerSecond, double LagP50, double LagP99, double LagMax, double ServerCpuPercent, int BadSignatures);

    public static async Task<Result> RunAsync(ServerUnderTest server, int calls, int backlogPerCall, int eventsPerSecond, TimeSpan duration, CancellationToken cancellationToken)
    {
        string? secret = null;
        var bad = 0;
        var lag = new Percentiles();
        var measuring = 0;
        await using var receiver = await WebhookReceiverDouble.StartAsync((id, timestamp, body, signature) =>
        {
            var ok = secret is not null && WebhookSignature.Verify(WebhookSignature.KeyOf(secret), id, timestamp, body, signature, DateTimeOffset.UtcNow);
            if (!ok)
            {
                Interlocked.Increment(ref bad);
            }

            if (Volatile.Read(ref measuring) == 1 && Stamp().Match(Encoding.UTF8.GetString(body)) is { Success: true } m)
            {
                lag.Add(Stopwatch.GetElapsedTime(long.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)).TotalMilliseconds);
            }

            return ok;
        }, cancellationToken);

        using var admin = await server.AdminAsync(cancellationToken);
        var created = await admin.PostAsync("/api/v1/admin/outbound/subscriptions", new { name = "bench", url = receiver.Url.ToString() }, cancellationToken);
        secret = created.GetProperty("secret").GetString();
        var id = created.GetProperty("subscription").GetProperty("id").GetString();

        var agent = await SocketAgent.ConnectAsync(server.BaseAddress, server.AgentKey, cancellationToken);
        var names = Enumerable.Range(0, calls).Select(i => $"O{i}").ToArray();
        await agent.SendAsync(names.Select(c => WireEvents.Event(c, "call.started", """{"agentName":"bench"}""")).ToList(), null, cancellationToken);
        await receiver.WaitUntilAsync(r => r.Count >= calls, TimeSpan.FromSeconds(60), cancellationToken);

        // A backlog: paused while it is written, then delivered as fast as the server can.
        await admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/outbound/subscriptions/{id}", new { paused = true }, cancellationToken);
        for (var i = 0; i < backlogPerCall; i += 10)
        {
            await agent.SendAsync(names.SelectMany(c => Enumerable.Range(0, 10).Select(_ => WireEvents.Line(c, "backlog line"))).ToList(), null, cancellationToken);
        }

        var before = receiver.Acknowledged.Count;
        var backlog = calls * backlogPerCall;
        var watch = Stopwatch.StartNew();
        await admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/outbound/subscriptions/{id}", new { paused = false }, cancellationToken);
        await receiver.WaitUntilAsync(r => r.Count(x => x.Answered is 204) >= before + backlog, TimeSpan.FromMinutes(5), cancellationToken);
        await CaughtUpAsync(admin, id!, cancellationToken);
        var backlogDeliveries = receiver.Acknowledged.Count - before;
        var backlogRate = backlogDeliveries / watch.Elapsed.TotalSeconds;

        // Steady load: eventsPerSecond over the calls, each line stamped with its send time.
        before = receiver.Acknowledged.Count;
        var cpuBefore = server.CpuTime;
        Volatile.Write(ref measuring, 1);
        const int tickMs = 10;
        var perTick = eventsPerSecond * tickMs / 1000;
        var sent = 0;
        var next = 0;
        var pending = new List<Task>();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(tickMs));
        watch.Restart();
        var tick = 0;
        while (watch.Elapsed < duration && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var due = (int)(watch.Elapsed.TotalMilliseconds / tickMs) - tick;
            for (var t = 0; t < Math.Max(1, due); t++, tick++)
            {
                var batch = new List<string>(perTick);
                for (var i = 0; i < perTick; i++)
                {
                    batch.Add(WireEvents.Stamped(names[next++ % names.Length]));
                }

                sent += batch.Count;
                pending.Add(agent.SendAsync(batch, null, cancellationToken));
            }

            pending.RemoveAll(p => p.IsCompleted);
        }

        var offered = sent / watch.Elapsed.TotalSeconds;
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        await receiver.WaitUntilAsync(r => r.Count(x => x.Answered is 204) >= before + sent, TimeSpan.FromMinutes(5), cancellationToken);
        await CaughtUpAsync(admin, id!, cancellationToken);
        var elapsed = watch.Elapsed.TotalSeconds;
        var cpu = (server.CpuTime - cpuBefore).TotalSeconds / elapsed * 100;
        var deliveries = receiver.Acknowledged.Count - before;
        await agent.DisposeAsync();
        return new Result(backlog, backlogDeliveries, backlogRate, offered, sent, deliveries, deliveries / elapsed, lag.At(50), lag.At(99), lag.At(100), cpu, Volatile.Read(ref bad));
    }

    /// <summary>Waits (at most 5 min) until the subscription is behind by no stored event.</summary>
    private static async Task CaughtUpAsync(ApiSession admin, string id, CancellationToken cancellationToken)
    {
        var limit = Stopwatch.StartNew();
        while ((await admin.GetAsync($"/api/v1/admin/outbound/subscriptions/{id}", cancellationToken)).GetProperty("eventsBehind").GetInt64() > 0)
        {
            if (limit.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("The subscription was still behind after 5 minutes.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    [GeneratedRegex(@"t=(\d{20}) ")]
    private static partial Regex Stamp();
}
