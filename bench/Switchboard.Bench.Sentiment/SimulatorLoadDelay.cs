using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Sdk;
using Switchboard.Server.Identity;
using Switchboard.Server.Streaming;
using Switchboard.Simulation;

namespace Switchboard.Bench.Sentiment;

/// <summary>
/// The same delay under the call simulator's load: the real server in process on Kestrel
/// (127.0.0.1), the simulator's built-in scenarios driving many concurrent calls through the SDK
/// over the agent WebSocket, and a hub subscriber timing each customer line's sentiment.
/// </summary>
internal static class SimulatorLoadDelay
{
    public static async Task RunAsync(BenchSettings settings)
    {
        var directory = Path.Combine(settings.DataRoot, "switchboard-bench-sentiment", Guid.NewGuid().ToString("N"));
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SWITCHBOARD_SERVER", AppContext.BaseDirectory);
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Storage:DataDirectory", directory);
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Demo:Enabled", "false");
        });
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var url = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var key = (await factory.Services.GetRequiredService<ApiKeyStore>().CreateAsync("bench", "agent", CancellationToken.None)).Secret;
        using (var probe = new HttpClient())
        {
            Console.WriteLine($"server at {url}: /healthz {(int)(await probe.GetAsync(new Uri(new Uri(url), "/healthz"))).StatusCode}");
        }
        using var subscription = factory.Services.GetRequiredService<EventHub>().SubscribeAll(1 << 22);
        using var stopReading = new CancellationTokenSource();
        var recorder = new DelayRecorder();
        var reading = Task.Run(() => recorder.RunAsync(subscription.Reader, stopReading.Token));

        var clients = Enumerable.Range(0, 8)
            .Select(_ => new SwitchboardClient(new SwitchboardClientOptions { ServerUrl = new Uri(url), ApiKey = key, MaxQueuedEvents = 100_000, MaxBatchEvents = 1000 }))
            .ToList();
        var simulator = new CallSimulator(
            new SimulationOptions { Concurrency = settings.Calls, CallsPerSecond = Math.Max(50, settings.Calls / 20.0), Seed = 42, RunId = "sentiment" },
            ScenarioLibrary.BuiltIn(),
            clients);
        using var stop = new CancellationTokenSource();
        var run = simulator.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(settings.Seconds));
        var active = simulator.Stats.Active;
        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
        }

        for (var i = 0; i < 50 && recorder.Pending > 0; i++)
        {
            await Task.Delay(100);
        }

        await stopReading.CancelAsync();
        await reading;
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        var delays = recorder.Delays.Order().ToArray();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Commit → sentiment.scored under the call simulator, {settings.Calls} concurrent calls (built-in scenarios, 8 SDK connections), {settings.Seconds} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  calls active at the end {active:N0}; simulation {simulator.Stats}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  customer utterances  {recorder.Transcripts:N0} ({recorder.Transcripts / (double)settings.Seconds:N0}/s), scored {delays.Length:N0}, alerts raised {recorder.Alerts:N0}"));
        if (delays.Length > 0)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  delay ms             p50 {CommitToScoredDelay.Percentile(delays, 0.50):0.00}  p90 {CommitToScoredDelay.Percentile(delays, 0.90):0.00}  p99 {CommitToScoredDelay.Percentile(delays, 0.99):0.00}  p99.9 {CommitToScoredDelay.Percentile(delays, 0.999):0.00}  max {delays[^1]:0.00}"));
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
