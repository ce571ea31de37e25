using Switchboard.Contracts.Events;
using Switchboard.Sdk.Tests.Infrastructure;

namespace Switchboard.Sdk.Tests.Integration;

public sealed class DeliveryTests : IDisposable
{
    private readonly string _dataDirectory = LoopbackServer.NewDataDirectory();
    private readonly int _port = LoopbackServer.FreePort();

    public void Dispose() => LoopbackServer.DeleteDirectory(_dataDirectory);

    [Fact]
    public async Task With_the_server_unreachable_100000_reports_return_and_memory_stays_bounded()
    {
        var (agentKey, viewerKey) = await CreateKeysAsync();
        var options = Options(agentKey);
        options.MaxQueuedEvents = 2_000;
        await using var client = new SwitchboardClient(options);
        var call = client.OpenCall("SIM_unreachable");
        var text = new string('w', 200);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        // Runs on its own thread so that a blocking report would show as a timeout, not a hung test run.
        var reporting = Task.Factory.StartNew(
            () =>
            {
                for (var i = 0; i < 100_000; i++)
                {
                    if (i % 2 == 0)
                    {
                        call.InterimTranscript(Speaker.Customer, "seg", text);
                    }
                    else
                    {
                        call.FinalTranscript(Speaker.Customer, "seg-" + i, "line " + i);
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        await reporting.WaitAsync(TimeSpan.FromSeconds(60));

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var stats = client.Statistics;
        Assert.Equal(100_000, stats.Reported);
        Assert.True(stats.Pending <= options.MaxQueuedEvents + options.MaxBatchEvents, $"pending {stats.Pending}");
        // Every interim line is dropped but those of a batch the sender had in flight when the reports came.
        Assert.InRange(stats.DroppedEphemeral, 50_000 - options.MaxBatchEvents, 50_000);
        Assert.True(stats.DroppedDurable >= 50_000 - options.MaxQueuedEvents - options.MaxBatchEvents, $"dropped durable {stats.DroppedDurable}");
        Assert.True(after - before < 8 * 1024 * 1024, $"memory grew by {(after - before) / 1024} KB");

        // When the server comes back, what was kept arrives in order and the drops are recorded in the call's log.
        await using var server = new LoopbackServer(_dataDirectory, _port).Start();
        await client.FlushAsync(Timeout());
        var events = await Eventually.GetAsync(
            () => server.ReadEventsAsync(viewerKey, "SIM_unreachable", Timeout()),
            e => e.Any(x => x.Type == "x-sdk.dropped"),
            "the drop report");
        var lines = events.Where(e => e.Type == EventTypes.TranscriptFinal).Select(e => Line(e)).ToList();
        Assert.NotEmpty(lines);
        Assert.Equal(lines.Order(), lines);
        Assert.Equal(99_999, lines[^1]);
        var report = events.Single(e => e.Type == "x-sdk.dropped").Data;
        Assert.Equal(stats.DroppedDurable, report.GetProperty("durable").GetInt64());
    }

    [Fact]
    public async Task After_the_server_starts_and_restarts_every_durable_event_is_stored_once_and_in_order()
    {
        var (agentKey, viewerKey) = await CreateKeysAsync();
        await using var client = new SwitchboardClient(Options(agentKey));
        string[] callIds = ["SIM_order_a", "SIM_order_b", "SIM_order_c"];
        var calls = callIds.Select(client.OpenCall).ToArray();
        const int PerCall = 600;

        async Task ReportAsync(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                foreach (var call in calls)
                {
                    if (i == 0)
                    {
                        call.CallStarted(new CallDetails { AgentName = "order-test" });
                    }

                    call.InterimTranscript(Speaker.Agent, "seg-" + i, "partial");
                    call.FinalTranscript(Speaker.Agent, "seg-" + i, "line " + i);
                }

                if (i % 20 == 0)
                {
                    await Task.Delay(5);
                }
            }
        }

        await ReportAsync(0, 200); // server down: kept in memory
        var first = new LoopbackServer(_dataDirectory, _port).Start();
        var during = ReportAsync(200, 400);
        await Eventually.TrueAsync(() => client.Statistics.Acknowledged > 300, "the first acknowledgements");
        await first.DisposeAsync(); // stops while batches are in flight
        await during;
        await ReportAsync(400, PerCall);
        await using var second = new LoopbackServer(_dataDirectory, _port).Start();
        await client.FlushAsync(Timeout());

        foreach (var callId in callIds)
        {
            var events = await second.ReadEventsAsync(viewerKey, callId, Timeout());
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
            Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
            Assert.Equal(EventTypes.CallStarted, events[0].Type);
            Assert.Equal(Enumerable.Range(0, PerCall), events.Where(e => e.Type == EventTypes.TranscriptFinal).Select(Line));
        }

        Assert.True(client.Statistics.Reconnects >= 1);
    }

    [Fact]
    public async Task When_a_proxy_refuses_the_websocket_upgrade_the_client_falls_back_to_http_batches_by_itself()
    {
        var (agentKey, viewerKey) = await CreateKeysAsync();
        await using var server = new LoopbackServer(_dataDirectory, _port) { RefuseWebSocketsWith = 404 }.Start();
        await using var client = new SwitchboardClient(Options(agentKey));
        Assert.Equal(SwitchboardTransport.Auto, Options(agentKey).Transport);
        using var call = client.OpenCall("SIM_fallback");
        call.CallStarted();
        for (var i = 0; i < 5; i++)
        {
            call.FinalTranscript(Speaker.Customer, "s" + i, "line " + i);
        }

        await client.FlushAsync(Timeout());

        var events = await server.ReadEventsAsync(viewerKey, "SIM_fallback", Timeout());
        Assert.Equal(6, events.Count);
        Assert.Equal(Enumerable.Range(1, 6).Select(n => (long)n), events.Select(e => e.Seq));
        Assert.True(server.RefusedUpgrades >= 1, "the client tried the WebSocket first");
        Assert.True(server.HttpBatches >= 1, "and then sent HTTP batches");
    }

    [Fact]
    public async Task Http_batches_deliver_events_when_chosen()
    {
        var (agentKey, viewerKey) = await CreateKeysAsync();
        await using var server = new LoopbackServer(_dataDirectory, _port).Start();
        var options = Options(agentKey);
        options.Transport = SwitchboardTransport.Http;
        await using var client = new SwitchboardClient(options);
        using var call = client.OpenCall("SIM_http");
        call.CallStarted();
        call.FinalTranscript(Speaker.Customer, "s1", "hello over http");
        await client.FlushAsync(Timeout());

        var events = await server.ReadEventsAsync(viewerKey, "SIM_http", Timeout());
        Assert.Equal([EventTypes.CallStarted, EventTypes.TranscriptFinal], events.Select(e => e.Type));
    }

    [Fact]
    public async Task An_event_the_server_refuses_is_dropped_and_the_rest_of_its_batch_is_stored()
    {
        var (agentKey, viewerKey) = await CreateKeysAsync();
        await using var server = new LoopbackServer(_dataDirectory, _port).Start();
        await using var client = new SwitchboardClient(Options(agentKey));
        using var call = client.OpenCall("SIM_invalid");
        call.CallStarted();
        call.FinalTranscript(Speaker.Customer, "", "no segment id");
        call.FinalTranscript(Speaker.Customer, "s2", "valid");
        await client.FlushAsync(Timeout());

        var events = await server.ReadEventsAsync(viewerKey, "SIM_invalid", Timeout());
        Assert.Equal([EventTypes.CallStarted, EventTypes.TranscriptFinal], events.Select(e => e.Type));
        Assert.Equal(1, client.Statistics.Refused);
    }

    private static int Line(StoredEvent e) => int.Parse(e.Data.GetProperty("text").GetString()!["line ".Length..], System.Globalization.CultureInfo.InvariantCulture);

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private SwitchboardClientOptions Options(string agentKey) => new()
    {
        ServerUrl = new Uri($"http://127.0.0.1:{_port}/"),
        ApiKey = agentKey,
        ReconnectDelayMin = TimeSpan.FromMilliseconds(50),
        ReconnectDelayMax = TimeSpan.FromMilliseconds(400),
        AckTimeout = TimeSpan.FromSeconds(10),
        MaxBatchEvents = 100,
    };

    private async Task<(string Agent, string Viewer)> CreateKeysAsync()
    {
        await using var server = new LoopbackServer(_dataDirectory, _port).Start();
        return (server.CreateKey("agent"), server.CreateKey("viewer"));
    }
}
