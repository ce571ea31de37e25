using System.Diagnostics.Metrics;
using System.Globalization;
using Switchboard.Sdk;
using Switchboard.Simulation;
using Switchboard.Testing;

// Runs the simulator with many concurrent calls against one Switchboard server process on this
// machine and prints the server's figures. Build the server first:
//   dotnet build -c Release src/Switchboard.Server
//   dotnet run -c Release --project bench/Switchboard.Simulation.Load -- --calls 2000 --seconds 60
var calls = Arg("--calls", 2000);
var seconds = Arg("--seconds", 60);
var connections = Arg("--connections", 8);
var serverDll = Path.Combine(ServerProcess.RepositoryRoot, "src/Switchboard.Server/bin/Release/net10.0/Switchboard.Server.dll");
if (!File.Exists(serverDll))
{
    Console.Error.WriteLine($"{serverDll} is missing; run: dotnet build -c Release src/Switchboard.Server");
    return 2;
}

var ackLatencies = new List<double>();
long durable = 0, ephemeral = 0;
using var listener = new MeterListener();
listener.InstrumentPublished = (instrument, l) =>
{
    if (instrument.Meter.Name == "Switchboard.Sdk")
    {
        l.EnableMeasurementEvents(instrument);
    }
};
listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
{
    if (instrument.Name == "switchboard.sdk.batch.ack_latency")
    {
        lock (ackLatencies)
        {
            ackLatencies.Add(value);
        }
    }
});
listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
{
    if (instrument.Name == "switchboard.sdk.events.acknowledged")
    {
        var isDurable = tags.Length > 0 && tags[0].Value is true;
        Interlocked.Add(ref isDurable ? ref durable : ref ephemeral, value);
    }
});
listener.Start();

using var stop = new CancellationTokenSource();
var data = Path.Combine(Path.GetTempPath(), "switchboard-load", Guid.NewGuid().ToString("N"));
var settings = new ServerSettings
{
    ServerDll = serverDll,
    EnvironmentName = "Production",
    Variables = new Dictionary<string, string> { ["Demo__Enabled"] = "false" },
};
var agentKey = await ServerProcess.CreateKeyAsync(data, settings, "agent", "load-agent", stop.Token);
var viewerKey = await ServerProcess.CreateKeyAsync(data, settings, "viewer", "load-viewer", stop.Token);
using var server = await ServerProcess.StartAsync(data, settings, stop.Token);
(long RssBytes, double CpuSeconds) Sample() => (server.ResidentBytes(), server.CpuTime.TotalSeconds);
var idle = Sample();
Console.WriteLine($"server pid {server.ProcessId} at {server.BaseAddress}, idle RSS {idle.RssBytes / 1048576.0:0.0} MB; ramping to {calls} concurrent calls over {connections} connections");

var clients = Enumerable.Range(0, connections)
    .Select(_ => new SwitchboardClient(new SwitchboardClientOptions { ServerUrl = server.BaseAddress, ApiKey = agentKey, MaxQueuedEvents = 100_000, MaxBatchEvents = 1000 }))
    .ToList();
var simulator = new CallSimulator(
    new SimulationOptions { Concurrency = calls, CallsPerSecond = Math.Max(50, calls / 20.0), Seed = 42, RunId = "load" },
    ScenarioLibrary.BuiltIn(),
    clients);
var run = simulator.RunAsync(stop.Token);
while (simulator.Stats.Active < calls * 0.98 && !run.IsCompleted)
{
    await Task.Delay(1000);
}

Console.WriteLine($"{simulator.Stats.Active} calls active; measuring for {seconds} s");
lock (ackLatencies)
{
    ackLatencies.Clear();
}

var start = Sample();
var metricsStart = await server.MetricsAsync(viewerKey, stop.Token);
var (d0, e0) = (Interlocked.Read(ref durable), Interlocked.Read(ref ephemeral));
var peakRss = start.RssBytes;
var activeSum = 0.0;
for (var s = 0; s < seconds; s++)
{
    await Task.Delay(1000);
    peakRss = Math.Max(peakRss, Sample().RssBytes);
    activeSum += simulator.Stats.Active;
}

var end = Sample();
var metricsEnd = await server.MetricsAsync(viewerKey, stop.Token);
double Rate(string name) => (metricsEnd.GetValueOrDefault(name) - metricsStart.GetValueOrDefault(name)) / seconds;
var (d1, e1) = (Interlocked.Read(ref durable), Interlocked.Read(ref ephemeral));
double[] latencies;
lock (ackLatencies)
{
    latencies = [.. ackLatencies.Order()];
}

double P(double q) => latencies.Length == 0 ? double.NaN : latencies[(int)Math.Min(latencies.Length - 1, q * latencies.Length)];
var active = activeSum / seconds;
var dropped = clients.Sum(c => c.Statistics.DroppedDurable + c.Statistics.DroppedEphemeral);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

    simulated calls active (mean)      {active:0}
    server: active calls               {metricsEnd.GetValueOrDefault("switchboard_active_calls"):0}
    server: durable events committed/s {Rate("switchboard_events_committed_total"):0}   commits/s {Rate("switchboard_commits_total"):0}
    server: managed heap               {metricsEnd.GetValueOrDefault("switchboard_managed_heap_bytes") / 1048576:0} MB
    durable events/s (acknowledged)    {(d1 - d0) / (double)seconds:0}
    ephemeral events/s (acknowledged)  {(e1 - e0) / (double)seconds:0}
    batch ack latency p50 / p99 / max  {P(0.5):0.0} / {P(0.99):0.0} / {(latencies.Length > 0 ? latencies[^1] : double.NaN):0.0} ms  ({latencies.Length} batches)
    server CPU                         {(end.CpuSeconds - start.CpuSeconds) / seconds * 100:0} % of one core
    server RSS idle / now / peak       {idle.RssBytes / 1048576.0:0} / {end.RssBytes / 1048576.0:0} / {peakRss / 1048576.0:0} MB
    server RSS per active call         {(end.RssBytes - idle.RssBytes) / Math.Max(1, active) / 1024:0.0} KB
    events dropped by the SDK          {dropped}
    simulation                         {simulator.Stats}
    """));

await stop.CancelAsync();
await run;
foreach (var client in clients)
{
    await client.DisposeAsync();
}

server.Dispose();
ServerProcess.DeleteDataDirectory(data);
return 0;

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
