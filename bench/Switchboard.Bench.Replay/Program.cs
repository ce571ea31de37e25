// How long a replay of a long call takes to show its first screen in Chromium: one call of
// 20,000 events sent through the ingest API, then the replay page opened again and again in
// fresh pages; printed as percentiles of navigation start to the first screen (the player and
// the transcript's first page drawn), and to the whole log read.
//   dotnet run -c Release --project bench/Switchboard.Bench.Replay -- [--events 20000] [--runs 20]
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Switchboard.Testing;

var events = Option("--events", 20_000);
var runs = Option("--runs", 20);
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
var data = Path.Combine(Path.GetTempPath(), "sb-replay-bench-" + Guid.NewGuid().ToString("N"));
var agentKey = await ServerProcess.CreateKeyAsync(data, ServerSettings.Tests, "agent", "replay-bench-agent", cts.Token);
var viewerKey = await ServerProcess.CreateKeyAsync(data, ServerSettings.Tests, "viewer", "replay-bench-viewer", cts.Token);
using var server = await ServerProcess.StartAsync(data, cts.Token);
try
{
    var callId = "replay-" + Guid.NewGuid().ToString("N")[..8];
    await SendCallAsync(server.BaseAddress, agentKey, callId, events, cts.Token);
    Console.WriteLine($"sent one call of {events:N0} events");

    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    var context = await browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = server.BaseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
        ExtraHTTPHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + viewerKey },
    });
    context.SetDefaultTimeout(60_000);
    var first = new List<double>();
    var complete = new List<double>();
    for (var run = 0; run <= runs; run++)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/calls/{callId}/replay", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        // Times in the page's own clock, from the start of its navigation.
        var ready = await page.WaitForFunctionAsync(
            "() => document.querySelector('section.replay[data-ready] .transcript li') ? performance.now() : null",
            null,
            new PageWaitForFunctionOptions { PollingInterval = 5 });
        var shown = await ready.JsonValueAsync<double>();
        var done = await (await page.WaitForFunctionAsync(
            "() => document.querySelector('section.replay[data-complete=true]') ? performance.now() : null",
            null,
            new PageWaitForFunctionOptions { PollingInterval = 20 })).JsonValueAsync<double>();
        await page.CloseAsync();
        // The first run warms the server's caches and the browser's; it is not counted.
        if (run > 0)
        {
            first.Add(shown);
            complete.Add(done);
        }
    }

    Console.WriteLine($"replay of {events:N0} events, {runs} runs: first screen p50 {Percentile(first, 50):F0} ms, p95 {Percentile(first, 95):F0} ms, max {first.Max():F0} ms (target <= 500 ms)");
    Console.WriteLine($"whole log read and laid out: p50 {Percentile(complete, 50):F0} ms, max {complete.Max():F0} ms");
}
finally
{
    server.Dispose();
    Directory.Delete(data, recursive: true);
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

// A call of about half an hour: lines of both parties, states, metrics and now and then a tool
// call, 100 ms apart, sent in batches of 500 as an agent that buffered would.
static async Task SendCallAsync(Uri server, string key, string callId, int count, CancellationToken cancellationToken)
{
    using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    var start = DateTimeOffset.UtcNow.AddHours(-1);
    JsonObject Event(int i, string type, object data) => new()
    {
        ["id"] = $"{callId}-{i}",
        ["callId"] = callId,
        ["type"] = type,
        ["at"] = start.AddMilliseconds(i * 100.0).ToString("O", CultureInfo.InvariantCulture),
        ["data"] = System.Text.Json.JsonSerializer.SerializeToNode(data, System.Text.Json.JsonSerializerOptions.Web),
    };
    var batch = new JsonArray();
    for (var i = 0; i < count; i++)
    {
        var e = i switch
        {
            0 => Event(i, "call.started", new { agentName = "Ava", direction = "inbound" }),
            _ when i == count - 1 => Event(i, "call.ended", new { reason = "completed" }),
            _ when i % 10 == 3 => Event(i, "agent.state", new { state = i % 20 == 3 ? "speaking" : "listening" }),
            _ when i % 10 == 7 => Event(i, "metrics.turn", new { turnId = "t" + i, sttMs = 300, llmTtftMs = 700, ttsTtfbMs = 250, e2eMs = 1600 }),
            _ when i % 500 == 250 => Event(i, "tool.called", new { toolCallId = "tc" + i, name = "lookup_order" }),
            _ => Event(i, "transcript.final", new { speaker = i % 2 == 0 ? "agent" : "customer", segmentId = "s" + i, text = $"Line {i} of the conversation about the order and its delivery" }),
        };
        batch.Add(e);
        if (batch.Count == 500 || i == count - 1)
        {
            using var response = await http.PostAsJsonAsync("/api/v1/events", new JsonObject { ["events"] = batch }, cancellationToken);
            response.EnsureSuccessStatusCode();
            batch = [];
        }
    }
}
