using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Streaming;

namespace Switchboard.Bench.Sentiment;

/// <summary>
/// Runs the real server in process (SQLite in a temporary directory), drives many concurrent calls
/// through <c>POST /api/v1/events</c> — each turn a customer line, then an agent line with its turn
/// metrics — and measures, with a subscriber on the hub, the delay from a customer
/// <c>transcript.final</c> being published after commit to its <c>sentiment.scored</c> being published.
/// </summary>
internal static class CommitToScoredDelay
{
    public static async Task RunAsync(BenchSettings settings, IReadOnlyList<string> utterances)
    {
        var directory = Path.Combine(settings.DataRoot, "switchboard-bench-sentiment", Guid.NewGuid().ToString("N"));
        // The server needs no files from its project folder: its settings are copied beside this program.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SWITCHBOARD_SERVER", AppContext.BaseDirectory);
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Storage:DataDirectory", directory);
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Calls:AgentTimeoutSeconds", "3600");
        });
        var key = (await factory.Services.GetRequiredService<ApiKeyStore>().CreateAsync("bench", "agent", CancellationToken.None)).Secret;
        using var subscription = factory.Services.GetRequiredService<EventHub>().SubscribeAll(1 << 22);
        using var stopReading = new CancellationTokenSource();
        var recorder = new DelayRecorder();
        var reading = Task.Run(() => recorder.RunAsync(subscription.Reader, stopReading.Token));

        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        client.Timeout = TimeSpan.FromSeconds(60);
        var posted = 0L;
        var acks = new System.Collections.Concurrent.ConcurrentBag<double>();
        var wall = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(settings.Seconds);
        var calls = Enumerable.Range(0, settings.Calls).Select(i => Task.Run(async () =>
        {
            var random = new Random(i);
            var callId = $"SIM_bench_{i:D5}";
            var n = 0;
            Interlocked.Add(ref posted, await PostAsync(client, Event(callId, "start", EventTypes.CallStarted, new { agentName = "bench" })));
            await Task.Delay(random.Next(settings.TurnMilliseconds));
            while (wall.Elapsed < deadline)
            {
                n++;
                var text = utterances[random.Next(utterances.Count)];
                var sent = Stopwatch.GetTimestamp();
                Interlocked.Add(ref posted, await PostAsync(client, Event(callId, $"c{n}", EventTypes.TranscriptFinal, new { speaker = "customer", segmentId = $"c{n}", text })));
                acks.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                await Task.Delay(settings.TurnMilliseconds / 2);
                Interlocked.Add(ref posted, await PostAsync(
                    client,
                    Event(callId, $"a{n}", EventTypes.TranscriptFinal, new { speaker = "agent", segmentId = $"a{n}", text = "Let me look into that for you." }),
                    Event(callId, $"m{n}", EventTypes.MetricsTurn, new { e2eMs = 600 + random.Next(2000) })));
                await Task.Delay(settings.TurnMilliseconds / 2);
            }

            Interlocked.Add(ref posted, await PostAsync(client, Event(callId, "end", EventTypes.CallEnded, new { reason = "completed" })));
        })).ToList();
        await Task.WhenAll(calls);
        var loadSeconds = wall.Elapsed.TotalSeconds;

        // Let the last utterances be scored.
        for (var i = 0; i < 100 && recorder.Pending > 0; i++)
        {
            await Task.Delay(100);
        }

        await stopReading.CancelAsync();
        await reading;
        var delays = recorder.Delays.Order().ToArray();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Commit → sentiment.scored, {settings.Calls} concurrent calls over HTTP, a turn every {settings.TurnMilliseconds} ms per call, {loadSeconds:0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  events posted        {posted:N0} ({posted / loadSeconds:N0}/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  customer utterances  {recorder.Transcripts:N0} ({recorder.Transcripts / loadSeconds:N0}/s), scored {delays.Length:N0}, unscored {recorder.Pending:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  alerts raised        {recorder.Alerts:N0}"));
        var ackDelays = acks.Order().ToArray();
        if (ackDelays.Length > 0)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  transcript POST→ack  p50 {Percentile(ackDelays, 0.50):0.00}  p90 {Percentile(ackDelays, 0.90):0.00}  p99 {Percentile(ackDelays, 0.99):0.00}  max {ackDelays[^1]:0.00} ms (for comparison)"));
        }

        if (delays.Length > 0)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  delay ms             p50 {Percentile(delays, 0.50):0.00}  p90 {Percentile(delays, 0.90):0.00}  p99 {Percentile(delays, 0.99):0.00}  p99.9 {Percentile(delays, 0.999):0.00}  max {delays[^1]:0.00}"));
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static object Event(string callId, string id, string type, object data) =>
        new { id, callId, type, at = DateTimeOffset.UtcNow, data };

    private static async Task<long> PostAsync(HttpClient client, params object[] events)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/events", new { events }, ContractJson.Options);
        response.EnsureSuccessStatusCode();
        return events.Length;
    }
}
