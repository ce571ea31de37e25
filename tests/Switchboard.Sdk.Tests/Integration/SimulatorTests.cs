using System.Text.Json;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;
using Switchboard.Sdk.Tests.Infrastructure;
using Switchboard.Server.Ingest;
using Switchboard.Simulation;

namespace Switchboard.Sdk.Tests.Integration;

public sealed class SimulatorTests : IAsyncLifetime
{
    private readonly string _dataDirectory = LoopbackServer.NewDataDirectory();
    private LoopbackServer _server = null!;
    private SwitchboardClient _client = null!;
    private string _viewerKey = "";

    public Task InitializeAsync()
    {
        _server = new LoopbackServer(_dataDirectory, LoopbackServer.FreePort(), new()
        {
            // Short, but above the occasional one-second stall of a loaded two-core machine.
            ["Calls:AgentTimeoutSeconds"] = "2",
            ["Calls:GuardIntervalSeconds"] = "0.2",
        }).Start();
        _viewerKey = _server.CreateKey("viewer");
        _client = new SwitchboardClient(new SwitchboardClientOptions
        {
            ServerUrl = _server.Url,
            ApiKey = _server.CreateKey("agent"),
            HeartbeatInterval = TimeSpan.FromMilliseconds(300),
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        LoopbackServer.DeleteDirectory(_dataDirectory);
    }

    [Fact]
    public async Task A_crashed_simulated_agents_call_is_ended_by_the_lost_agent_guard()
    {
        var simulator = Simulator(new SimulationOptions { RunId = "crash", TotalCalls = 1, TimeScale = 0.02, CrashShare = 1 });
        await simulator.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, simulator.Stats.Crashed);

        var state = await Eventually.GetAsync(
            () => _server.ReadCallAsync(_viewerKey, simulator.CallId(0), CancellationToken.None),
            s => s?.GetProperty("status").GetString() == "ended",
            "the guard to end the call");
        Assert.Equal("agent_error", state!.Value.GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task Heartbeats_keep_a_quiet_call_alive_until_its_reporter_goes_away()
    {
        var call = _client.OpenCall("SIM-quiet");
        call.CallStarted();
        await _client.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        // Two agent timeouts of silence but for heartbeats: still active.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var state = await _server.ReadCallAsync(_viewerKey, "SIM-quiet", CancellationToken.None);
        Assert.Equal("active", state!.Value.GetProperty("status").GetString());

        call.Dispose(); // as if the agent died: no end, no more heartbeats
        state = await Eventually.GetAsync(
            () => _server.ReadCallAsync(_viewerKey, "SIM-quiet", CancellationToken.None),
            s => s?.GetProperty("status").GetString() == "ended",
            "the guard to end the silent call");
        Assert.Equal("agent_error", state!.Value.GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_calls()
    {
        var first = Simulator(new SimulationOptions { RunId = "seed-a", TotalCalls = 4, Concurrency = 4, TimeScale = 0.005, Seed = 7, CrashShare = 0 });
        var second = Simulator(new SimulationOptions { RunId = "seed-b", TotalCalls = 4, Concurrency = 4, TimeScale = 0.005, Seed = 7, CrashShare = 0 });
        await first.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(120));
        await second.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(120));
        await _client.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        for (var i = 0; i < 4; i++)
        {
            var a = Script(await _server.ReadEventsAsync(_viewerKey, first.CallId(i), CancellationToken.None));
            var b = Script(await _server.ReadEventsAsync(_viewerKey, second.CallId(i), CancellationToken.None));
            Assert.True(a.Count > 5, $"call {i} has only {a.Count} events");
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public async Task A_simulated_agent_applies_supervisor_commands_and_acknowledges_them()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var simulator = Simulator(new SimulationOptions { RunId = "cmd", TotalCalls = 1, TimeScale = 0.2, CrashShare = 0, HangupShare = 0 });
        var run = simulator.RunAsync(stop.Token);
        var callId = simulator.CallId(0);
        var router = _server.Service<AgentCommandRouter>();
        await Eventually.TrueAsync(() => router.IsConnected(callId), "the simulated call to attach");

        router.Send(Command("pause-1", callId, CommandTypes.Pause, new { }));
        router.Send(Command("guide-1", callId, CommandTypes.Guide, new { text = "Mention the loyalty discount.", by = "sam" }));
        router.Send(Command("resume-1", callId, CommandTypes.Resume, new { }));
        router.Send(Command("end-1", callId, CommandTypes.End, new { reason = "test over" }));
        await run.WaitAsync(TimeSpan.FromSeconds(90));

        var events = await Eventually.GetAsync(
            () => _server.ReadEventsAsync(_viewerKey, callId, CancellationToken.None),
            e => e.Any(x => x.Type == EventTypes.CallEnded),
            "the call to end");
        var acks = events.Where(e => e.Type == EventTypes.CommandAcked)
            .Select(e => (e.Data.GetProperty("commandId").GetString(), e.Data.GetProperty("ok").GetBoolean()));
        Assert.Equal([("pause-1", true), ("guide-1", true), ("resume-1", true), ("end-1", true)], acks);
        var ends = events.Where(e => e.Type == EventTypes.CallEnded).ToList();
        Assert.True(ends.Count == 1, string.Join("\n", events.Select(e => $"{e.Seq} {e.At:HH:mm:ss.fff} {e.ReceivedAt:HH:mm:ss.fff} {e.Type} {e.Data}")));
        Assert.Equal("supervisor_ended", ends[0].Data.GetProperty("reason").GetString());
    }

    [Fact]
    public void Every_built_in_scenario_loads()
    {
        var scenarios = ScenarioLibrary.BuiltIn();
        Assert.Equal(
            ["billing-dispute", "candidate-screening", "multi-agent-greeter", "salon-receptionist", "technical-support"],
            scenarios.Select(s => s.Id).Order());
        Assert.All(scenarios, s => Assert.Contains(s.Steps, step => step.Customer is not null || step.Choose is not null));
    }

    private CallSimulator Simulator(SimulationOptions options)
    {
        options.CallsPerSecond = 100;
        return new CallSimulator(options, ScenarioLibrary.BuiltIn(), [_client]);
    }

    /// <summary>
    /// What the seed decides: the agent's own story of the call. Server-emitted events, and the
    /// agent's answers to them (acknowledgements, withdrawing an escalation nobody could take),
    /// land wherever the round trip puts them, so they are left out of the comparison.
    /// </summary>
    private static List<string> Script(List<StoredEvent> events) =>
        [.. events
            .Where(e => EventCatalog.Find(e.Type)?.AgentMaySend == true && e.Type is not (EventTypes.CommandAcked or EventTypes.EscalationCancelled))
            .Select(e => e.Type + (e.Type == EventTypes.TranscriptFinal ? ":" + e.Data.GetProperty("text").GetString() : ""))];

    private static AgentCommand Command(string id, string callId, string type, object data) =>
        new(id, callId, type, JsonSerializer.SerializeToElement(data, ContractJson.Options));
}
