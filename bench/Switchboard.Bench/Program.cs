using System.Globalization;
using Switchboard.Bench;
using Switchboard.Testing;

// Event-backbone benchmark: raw SQLite ceiling, durable ingest rate and ack latency, ingest-to-SSE
// delivery latency with many subscribers, and server memory per active call.
// Usage: dotnet run -c Release --project bench/Switchboard.Bench [-- --seconds 10]
// On PostgreSQL (a private durable server started here, fsync and synchronous_commit on):
// -- --store postgres [--nodes 2]: ingest split across the nodes, delivery from node 1 to node 2.
var seconds = Option("--seconds", 10);
var subscribers = (int)Option("--subscribers", 100);
var rate = (int)Option("--rate", 5_000);
// Seconds of load before delivery is measured: the server and the load generator start on
// unoptimised (tier-0) code, and the JIT's work competes for the two cores for a few seconds.
var warmUp = Option("--warmup", 5);
var only = Text("--only");
// Seconds of the same ingest load, not counted, before saturation ingest is measured (0: from a cold start).
var ingestWarmUp = Option("--ingest-warmup", 0);
// Short calls a second that start and end beside the delivery load, so the archive works meanwhile.
var churn = Option("--churn", 0);
// Wallboard streams open during the ingest phase, one run per count: "0,100,500".
var wallboardCounts = (Text("--wallboards") ?? "0").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
// Another build of the server (a before-and-after comparison): --server-dll PATH.
var serverDll = Text("--server-dll") ?? ServerProcess.ServerDll;
var scratch = Path.Combine(Path.GetTempPath(), "switchboard-bench-" + Guid.NewGuid().ToString("N")[..8]);
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, build {configuration}");
var postgres = Text("--store") == "postgres" ? PostgresServer.Start(durable: true) : null;
var nodes = postgres is null ? 1 : (int)Option("--nodes", 1);
if (postgres is not null)
{
    Console.WriteLine($"store: PostgreSQL {postgres.Version} on 127.0.0.1:{postgres.Port} (fsync on, synchronous_commit on), {nodes} node(s), all on this machine's cores");
}

// Each phase on a database of its own; node i of a phase names itself node-i.
async Task<ServerUnderTest[]> StartNodesAsync(string phase, int count)
{
    if (postgres is null)
    {
        return [await ServerUnderTest.StartAsync(serverDll, Path.Combine(scratch, phase), cts.Token)];
    }

    var database = postgres.CreateDatabase();
    var started = new ServerUnderTest[count];
    for (var i = 0; i < count; i++)
    {
        started[i] = await ServerUnderTest.StartAsync(serverDll, Path.Combine(scratch, $"{phase}-node-{i + 1}"), cts.Token, "--Storage:Provider=postgres", "--Storage:ConnectionString=" + database, $"--Storage:NodeId=node-{i + 1}");
    }

    return started;
}

if (only is "archive")
{
    var calls = (int)Option("--calls", 1_000_000);
    var archive = postgres is null
        ? ArchiveLoad.Sqlite(Path.Combine(scratch, "archive"))
        : new Switchboard.Server.Archive.PostgresCallArchive(new Switchboard.Server.Storage.Postgres.PostgresDatabase(
            Microsoft.Extensions.Options.Options.Create(new Switchboard.Server.Storage.StorageOptions { Provider = "postgres", ConnectionString = postgres.CreateDatabase() })));
    await ArchiveLoad.RunAsync(archive, calls, queries: 200);
}

if (only is "busy")
{
    var (version, waits) = BusyWaitProbe.Run(Path.Combine(scratch, "busy"), holdMs: 5, rounds: 20);
    var sorted = waits.Order().ToList();
    Console.WriteLine($"SQLite {version} busy_timeout: a writer waiting for a lock held 5 ms waits median {sorted[sorted.Count / 2]:N1} ms, max {sorted[^1]:N1} ms ({waits.Count} rounds)");
}

var raw = double.NaN;
if (only is null or "ingest" && postgres is null)
{
    raw = RawSqliteBenchmark.Run(Path.Combine(scratch, "raw"), 400_000, 2_000);
    Console.WriteLine($"raw SQLite batched insert (WAL, synchronous=NORMAL, 2,000 rows per transaction): {raw:N0} rows/s");
}

if ((only is null or "ingest") && nodes > 1)
{
    // Several nodes on one database: the agents split between them, each node on calls of its own.
    var cluster = await StartNodesAsync("ingest-cluster", nodes);
    var perNode = await Task.WhenAll(cluster.Select((node, i) =>
        IngestLoad.RunAsync(node, socketAgents: 8 / nodes, httpAgents: 4 / nodes, batchSize: 100, window: 4, TimeSpan.FromSeconds(seconds), cts.Token, callPrefix: $"n{i + 1}-")));
    Console.WriteLine($"durable ingest on {nodes} nodes: {perNode.Sum(r => r.EventsPerSecond):N0} events/s in all ({string.Join(", ", perNode.Select((r, i) => $"node {i + 1}: {r.EventsPerSecond:N0}/s, {r.EventsPerCommit:N0} events per commit, CPU {r.ServerCpuPercent:N0}%"))})");
    Console.WriteLine($"  acknowledgement latency per batch at saturation: p50 {perNode.Average(r => r.AckP50):N1} ms, p99 {perNode.Max(r => r.AckP99):N1} ms (worst node)");
    foreach (var node in cluster)
    {
        node.Dispose();
    }
}

if (only is null or "ingest")
{
    foreach (var wallboards in wallboardCounts)
    {
        using var server = (await StartNodesAsync("ingest-" + wallboards, 1))[0];
        await using var viewers = await WallboardViewers.OpenAsync(server.BaseAddress, server.ViewerKey, wallboards, cts.Token);
        if (ingestWarmUp > 0)
        {
            // Steady state: the same load first, uncounted, until every line of it is scored.
            var warm = await IngestLoad.RunAsync(server, socketAgents: 8, httpAgents: 4, batchSize: 100, window: 4, TimeSpan.FromSeconds(ingestWarmUp), cts.Token, callPrefix: "warm-");
            var settled = System.Diagnostics.Stopwatch.StartNew();
            while (settled.Elapsed < TimeSpan.FromSeconds(60)
                && (await server.MetricsAsync(cts.Token)).TryGetValue("switchboard_sentiment_scored_total", out var warmScored) && warmScored < warm.Events)
            {
                await Task.Delay(100, cts.Token);
            }

            Console.WriteLine($"  warm-up: {ingestWarmUp:N0} s at {warm.EventsPerSecond:N0} events/s, not counted");
        }

        var bytesBefore = viewers.Bytes;
        var updatesBefore = await server.MetricsAsync(cts.Token);
        var ingest = await IngestLoad.RunAsync(server, socketAgents: 8, httpAgents: 4, batchSize: 100, window: 4, TimeSpan.FromSeconds(seconds), cts.Token);
        var updatesAfter = await server.MetricsAsync(cts.Token);
        double Built(string name) => (updatesAfter.GetValueOrDefault(name) - updatesBefore.GetValueOrDefault(name)) / seconds;
        var streams = wallboards == 0 ? "" : $", {wallboards} wallboard streams open ({viewers.Open} still open at the end, {(viewers.Bytes - bytesBefore) / 1024.0 / seconds:N0} KB/s received in all)";
        var built = $"  wallboard updates built: {Built("switchboard_wallboard_updates_total"):N0}/s carrying {Built("switchboard_wallboard_call_updates_total"):N0} call changes/s, {Built("switchboard_wallboard_update_bytes_total") / 1024:N0} KB/s (each sent to every wallboard)";
        Console.WriteLine($"durable ingest: {ingest.EventsPerSecond:N0} events/s ({ingest.Events:N0} events; 8 WebSocket agents x 4 batches in flight + 4 HTTP agents; 100 events per batch{streams})");
        Console.WriteLine($"  {(postgres is null ? $"ratio to raw SQLite: {ingest.EventsPerSecond / raw:P1}; " : "")}events per commit: {ingest.EventsPerCommit:N0}; server CPU: {ingest.ServerCpuPercent:N0}% of one core");
        Console.WriteLine($"  acknowledgement latency per batch at saturation (queueing included): p50 {ingest.AckP50:N1} ms, p99 {ingest.AckP99:N1} ms");
        if (wallboards > 0 && updatesAfter.ContainsKey("switchboard_wallboard_updates_total"))
        {
            Console.WriteLine(built);
        }

        if (updatesBefore.TryGetValue("switchboard_sentiment_scored_total", out var scoredBefore))
        {
            // Every line of this load is a customer line: all of them must be scored, late if need be.
            var stopped = System.Diagnostics.Stopwatch.StartNew();
            var scored = 0.0;
            while (stopped.Elapsed < TimeSpan.FromSeconds(120))
            {
                var now = await server.MetricsAsync(cts.Token);
                scored = now["switchboard_sentiment_scored_total"] - scoredBefore;
                if (scored >= ingest.Events)
                {
                    break;
                }

                await Task.Delay(100, cts.Token);
            }

            var catchUps = (await server.MetricsAsync(cts.Token))["switchboard_analyzer_catch_ups_total"] - updatesBefore["switchboard_analyzer_catch_ups_total"];
            Console.WriteLine($"  sentiment: {scored:N0} of {ingest.Events:N0} acknowledged customer lines scored, the last {stopped.Elapsed.TotalSeconds:N1} s after the load stopped; the analyzer read from the log {catchUps:N0} times");
        }
    }
}

if (only is null or "delivery")
{
    var deliveryNodes = await StartNodesAsync("delivery", Math.Min(nodes, 2));
    var server = deliveryNodes[0];
    var subscribeOn = deliveryNodes[^1];
    var followedBefore = await subscribeOn.MetricsAsync(cts.Token);
    var delivery = await DeliveryLoad.RunAsync(server, subscribers, rate, TimeSpan.FromSeconds(warmUp), TimeSpan.FromSeconds(seconds), cts.Token, subscribeOn, churn);
    var followedAfter = await subscribeOn.MetricsAsync(cts.Token);
    var where = deliveryNodes.Length > 1 ? " (agents on node 1, subscribers on node 2)" : "";
    Console.WriteLine($"ingest-to-SSE delivery at {delivery.OfferedPerSecond:N0} events/s offered, {subscribers} call-stream subscribers{where}: {delivery.Samples:N0} deliveries ({delivery.DeliveredPerSecond:N0}/s) in {seconds:N0} s measured after {warmUp:N0} s of warm-up");
    if (deliveryNodes.Length > 1)
    {
        double Followed(string name) => followedAfter.GetValueOrDefault(name) - followedBefore.GetValueOrDefault(name);
        var notifications = Followed("switchboard_log_notifications_total");
        Console.WriteLine($"  node 2 followed node 1: {notifications / (seconds + warmUp):N0} notifications/s, {Followed("switchboard_log_notification_bytes_total") / Math.Max(1, notifications):N0} bytes per notification, {Followed("switchboard_log_followed_events_total") / Math.Max(1, notifications):N1} events read back per notification");
    }

    Console.WriteLine($"  p50 {delivery.P50:N2} ms, p99 {delivery.P99:N2} ms, p99.9 {delivery.P999:N2} ms; server CPU: {delivery.ServerCpuPercent:N0}% of one core");
    // Where the time goes, from the server's own histograms over the whole run (warm-up included).
    string Over(string histogram)
    {
        double Bucket(string le) => followedAfter.GetValueOrDefault($"{histogram}_bucket{{le=\"{le}\"}}") - followedBefore.GetValueOrDefault($"{histogram}_bucket{{le=\"{le}\"}}");
        var all = followedAfter.GetValueOrDefault(histogram + "_count") - followedBefore.GetValueOrDefault(histogram + "_count");
        return all == 0 ? "none recorded" : $"{(all - Bucket("0.005")) / all:P1} over 5 ms, {(all - Bucket("0.01")) / all:P2} over 10 ms, {(all - Bucket("0.025")) / all:P2} over 25 ms of {all:N0}";
    }

    Console.WriteLine($"  on the server (subscribers' node): commits from queueing to durable {Over("switchboard_store_commit_duration_seconds")}; events from receipt to their SSE write {Over("switchboard_stream_delivery_duration_seconds")}");
    if (delivery.ShortCalls > 0)
    {
        Console.WriteLine($"  beside it {delivery.ShortCalls:N0} short calls started and ended ({churn:N1}/s); {await server.ArchivedAsync("churn", delivery.ShortCalls, cts.Token):N0} of them summarised and {await server.ArchivedAsync("churn", delivery.ShortCalls, cts.Token, scored: true):N0} scored by the end");
    }
    Console.WriteLine($"  acknowledgement latency per batch of {rate / 100} events (every 10 ms) at this rate: p50 {delivery.AckP50:N2} ms, p99 {delivery.AckP99:N2} ms");
    Console.WriteLine($"  GC pauses in the measured run (node 1): server {delivery.ServerGc.PauseMs:N1} ms ({delivery.ServerGc.Gen0} gen0, {delivery.ServerGc.Gen1} gen1, {delivery.ServerGc.Gen2} gen2), load generator {delivery.GeneratorGc.PauseMs:N1} ms ({delivery.GeneratorGc.Gen0} gen0, {delivery.GeneratorGc.Gen1} gen1, {delivery.GeneratorGc.Gen2} gen2)");
    Console.WriteLine($"  server allocations: {delivery.ServerGc.AllocatedBytes / delivery.Samples / 1024:N1} KB per delivered event");
    if (args.Contains("--timeline"))
    {
        Console.WriteLine($"    measured from {delivery.MeasuredFromUtc:HH:mm:ss.fff} UTC");
        foreach (var (second, (count, p99, max)) in delivery.Timeline.Index())
        {
            Console.WriteLine($"    second {second + 1,2}: {count,6:N0} deliveries, p99 {p99,6:N2} ms, slowest {max,6:N2} ms");
        }
    }

    foreach (var node in deliveryNodes)
    {
        node.Dispose();
    }
}

if (only is "telemetry")
{
    // The backbone's delivery with telemetry off (no meter listened to, no span recorded) and on
    // (metrics scraped every 5 s and pushed over OTLP, every span exported over OTLP to a local
    // sink), alternating round by round in one run.
    var rounds = (int)Option("--rounds", 3);
    await using var sink = await OtlpSink.StartAsync();
    var figures = new Dictionary<string, List<DeliveryLoad.Result>> { ["off"] = [], ["on"] = [] };
    for (var round = 0; round < rounds; round++)
    {
        foreach (var mode in round % 2 == 0 ? new[] { "off", "on" } : ["on", "off"])
        {
            string[] settings = mode == "off"
                ? ["--Telemetry:Enabled=false"]
                : ["--Telemetry:OtlpEndpoint=" + sink.Url, "--Telemetry:MetricExportIntervalMilliseconds=5000"];
            using var server = await ServerUnderTest.StartAsync(serverDll, Path.Combine(scratch, $"telemetry-{mode}-{round}"), cts.Token, settings);
            using var scraping = new CancellationTokenSource();
            var scraper = mode == "on" ? ScrapeAsync(server, scraping.Token) : Task.CompletedTask;
            var result = await DeliveryLoad.RunAsync(server, subscribers, rate, TimeSpan.FromSeconds(warmUp), TimeSpan.FromSeconds(seconds), cts.Token);
            await scraping.CancelAsync();
            await scraper;
            figures[mode].Add(result);
            Console.WriteLine($"  round {round + 1} telemetry {mode,-3}: delivery p50 {result.P50:N2} ms, p99 {result.P99:N2} ms, p99.9 {result.P999:N2} ms, server CPU {result.ServerCpuPercent:N0}% of one core");
        }
    }

    double Median(IEnumerable<double> values) => values.Order().ElementAt(rounds / 2);
    var offP99 = Median(figures["off"].Select(r => r.P99));
    var onP99 = Median(figures["on"].Select(r => r.P99));
    Console.WriteLine($"telemetry at {rate:N0} events/s, {subscribers} subscribers, {rounds} rounds: median p99 off {offP99:N2} ms, on {onP99:N2} ms ({(onP99 / offP99 - 1) * 100:+0;-0}%; target within 10%); median p50 off {Median(figures["off"].Select(r => r.P50)):N2} ms, on {Median(figures["on"].Select(r => r.P50)):N2} ms; median server CPU off {Median(figures["off"].Select(r => r.ServerCpuPercent)):N0}%, on {Median(figures["on"].Select(r => r.ServerCpuPercent)):N0}%");
    Console.WriteLine($"  the OTLP sink received {sink.TraceRequests:N0} trace exports ({sink.TraceBytes / 1024:N0} KB) and {sink.MetricRequests:N0} metric exports");
}

static async Task ScrapeAsync(ServerUnderTest server, CancellationToken cancellationToken)
{
    try
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            await server.MetricsAsync(cancellationToken);
        }
    }
    catch (OperationCanceledException)
    {
    }
}

if (only is "outbound")
{
    using var server = (await StartNodesAsync("outbound", 1))[0];
    var outbound = await OutboundLoad.RunAsync(server, calls: (int)Option("--calls", 100), backlogPerCall: (int)Option("--backlog", 200), rate, TimeSpan.FromSeconds(seconds), cts.Token);
    Console.WriteLine($"outbound webhooks to a receiver on loopback (signatures verified; {outbound.BadSignatures} refused): a backlog of {outbound.Backlog:N0} lines over {Option("--calls", 100):N0} calls, {outbound.BacklogDeliveries:N0} deliveries with the events derived from them, at {outbound.BacklogPerSecond:N0} deliveries/s");
    Console.WriteLine($"  at {outbound.OfferedPerSecond:N0} lines/s offered for {seconds:N0} s: {outbound.Deliveries:N0} deliveries ({outbound.DeliveriesPerSecond:N0}/s until the subscription was behind by nothing); lag of a line from the agent's send to the receiver p50 {outbound.LagP50:N1} ms, p99 {outbound.LagP99:N1} ms, max {outbound.LagMax:N1} ms; server CPU {outbound.ServerCpuPercent:N0}% of one core");
}

if (only is "failover")
{
    // Two nodes on one PostgreSQL; node 1 is killed with SIGKILL in each round (--rounds, default 3).
    if (postgres is null)
    {
        throw new ArgumentException("--only failover needs --store postgres: two nodes on one database");
    }

    var rounds = (int)Option("--rounds", 3);
    var calls = (int)Option("--calls", 20);
    var results = new List<FailoverLoad.Result>();
    for (var round = 0; round < rounds; round++)
    {
        var pair = await StartNodesAsync($"failover-{round}", 2);
        var r = await FailoverLoad.RunAsync(pair[0], pair[1], calls, rate, TimeSpan.FromSeconds(Option("--before", 5)), TimeSpan.FromSeconds(Option("--after", 5)), cts.Token);
        results.Add(r);
        Console.WriteLine($"  round {round + 1}: kill -9 of node 1 at {rate:N0} events/s over {calls} calls; from the kill: agent connected to node 2 {r.ConnectedMs:N0} ms, its first batch there acknowledged {r.FirstAckMs:N0} ms, streams resumed on node 2 with their first event first {r.FirstResumedMs:N0} / median {r.MedianResumedMs:N0} / last {r.LastResumedMs:N0} ms (after the {r.RetryMs:N0} ms retry the server asks for), first event sent after the kill delivered {r.FirstNewMs:N0} ms; {r.Streams} streams: {r.Gaps} gaps, {r.Duplicates} duplicates, {r.Unfinished} short of the log; {r.ResentBatches} batches sent again, {r.Acked:N0} events acknowledged");
        foreach (var node in pair)
        {
            node.Dispose();
        }
    }

    double Median(IEnumerable<double> values) => values.Order().ElementAt(rounds / 2);
    Console.WriteLine($"failover over {rounds} rounds, medians: first acknowledgement on node 2 {Median(results.Select(r => r.FirstAckMs)):N0} ms; first resumed delivery {Median(results.Select(r => r.FirstResumedMs)):N0} ms, every stream resumed by {Median(results.Select(r => r.LastResumedMs)):N0} ms (retry {results[0].RetryMs:N0} ms included); gaps {results.Sum(r => r.Gaps)}, duplicates {results.Sum(r => r.Duplicates)}, streams short of the log {results.Sum(r => r.Unfinished)}");
}

if (only is null or "memory")
{
    using var server = (await StartNodesAsync("memory", 1))[0];
    var memory = await MemoryProbe.RunAsync(server, calls: 2_000, cts.Token);
    Console.WriteLine($"memory at {memory.ActiveCalls:N0} active calls ({memory.EventsPerCall} events each): {memory.HeapBytesPerCall / 1024:N1} KB managed heap per call, {memory.ResidentBytesPerCall / 1024:N1} KB resident per call");
}

postgres?.Dispose();
try
{
    Directory.Delete(scratch, recursive: true);
}
catch (IOException)
{
}

string? Text(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

double Option(string name, double fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
