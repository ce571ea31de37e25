using System.Collections.Concurrent;
using System.Text.Json;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;
using Switchboard.Sdk.Commands;
using Switchboard.Sdk.Tests.Infrastructure;
using Switchboard.Server.Ingest;

namespace Switchboard.Sdk.Tests.Integration;

public sealed class CommandTests : IAsyncLifetime
{
    private readonly string _dataDirectory = LoopbackServer.NewDataDirectory();
    private LoopbackServer _server = null!;
    private SwitchboardClient _client = null!;
    private string _viewerKey = "";

    public Task InitializeAsync()
    {
        _server = new LoopbackServer(_dataDirectory, LoopbackServer.FreePort()).Start();
        _viewerKey = _server.CreateKey("viewer");
        _client = new SwitchboardClient(new SwitchboardClientOptions
        {
            ServerUrl = _server.Url,
            ApiKey = _server.CreateKey("agent"),
            ReconnectDelayMin = TimeSpan.FromMilliseconds(50),
            ReconnectDelayMax = TimeSpan.FromMilliseconds(400),
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
    public async Task Commands_reach_the_right_call_through_handlers_and_are_acknowledged()
    {
        var received = new ConcurrentDictionary<string, ConcurrentQueue<string>>();
        var a = Open("SIM_cmd_a", received);
        var b = Open("SIM_cmd_b", received);
        var router = _server.Service<AgentCommandRouter>();
        await Eventually.TrueAsync(() => router.IsConnected("SIM_cmd_a") && router.IsConnected("SIM_cmd_b"), "both calls attached");

        router.Send(Command("c1", "SIM_cmd_a", CommandTypes.Guide, new { text = "Offer the 10% loyalty discount.", by = "sam" }));
        router.Send(Command("c2", "SIM_cmd_a", CommandTypes.Pause, new { }));
        router.Send(Command("c3", "SIM_cmd_b", CommandTypes.Say, new { text = "One moment please." }));
        router.Send(Command("c4", "SIM_cmd_b", CommandTypes.Transfer, new { destination = "+15550100", mode = "cold" }));

        await Eventually.TrueAsync(() => received.Values.Sum(q => q.Count) == 3 && received.Count == 2, "three commands handled");
        Assert.Equal(["guide:Offer the 10% loyalty discount.", "pause"], received["SIM_cmd_a"]);
        Assert.Equal(["say:One moment please."], received["SIM_cmd_b"]);

        var acksA = await AcksAsync("SIM_cmd_a", 2);
        Assert.Equal([("c1", true), ("c2", true)], acksA);
        var acksB = await AcksAsync("SIM_cmd_b", 2);
        Assert.Contains(("c3", true), acksB);
        Assert.Contains(("c4", false), acksB); // no transfer handler: failed, not ignored
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    public async Task Commands_can_be_read_as_a_stream_and_a_redelivered_command_is_applied_once()
    {
        using var call = _client.OpenCall("SIM_cmd_stream");
        call.CallStarted();
        var router = _server.Service<AgentCommandRouter>();
        await Eventually.TrueAsync(() => router.IsConnected("SIM_cmd_stream"), "the call attached");

        var command = Command("e1", "SIM_cmd_stream", CommandTypes.EscalationAnswer, new { requestId = "r1", answer = "Yes, waive it.", by = "kim" });
        router.Send(command);
        router.Send(command);
        router.Send(Command("e2", "SIM_cmd_stream", CommandTypes.End, new { reason = "supervisor" }));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<SwitchboardCommand>();
        await foreach (var c in call.ReadCommandsAsync(timeout.Token))
        {
            seen.Add(c);
            c.Acknowledge();
            if (c is EndCommand)
            {
                break;
            }
        }

        var answer = Assert.IsType<EscalationAnswerCommand>(seen[0]);
        Assert.Equal(("r1", "Yes, waive it.", "kim"), (answer.RequestId, answer.Answer, answer.By));
        Assert.IsType<EndCommand>(seen[1]);
        Assert.Equal(2, seen.Count);
        Assert.Equal([("e1", true), ("e2", true)], await AcksAsync("SIM_cmd_stream", 2));
    }

    [Fact]
    public async Task A_command_sent_while_no_agent_serves_the_call_reaches_the_agent_that_takes_it_up()
    {
        var router = _server.Service<AgentCommandRouter>();
        var first = _client.OpenCall("SIM_cmd_later");
        first.CallStarted();
        await Eventually.TrueAsync(() => router.IsConnected("SIM_cmd_later"), "the call attached");
        await _client.DisposeAsync(); // the agent process goes away without ending the call
        await Eventually.TrueAsync(() => !router.IsConnected("SIM_cmd_later"), "the call detached");

        router.Send(Command("late-1", "SIM_cmd_later", CommandTypes.Guide, new { text = "Apologise for the wait.", by = "sam" }));
        _client = new SwitchboardClient(new SwitchboardClientOptions { ServerUrl = _server.Url, ApiKey = _server.CreateKey("agent") });
        using var other = _client.OpenCall("SIM_cmd_other");
        other.CallStarted();
        await Eventually.TrueAsync(() => router.IsConnected("SIM_cmd_other"), "the new agent connected");
        using var second = _client.OpenCall("SIM_cmd_later"); // reports nothing: opening it subscribes to its commands
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        second.On<GuideCommand>((c, _) => { received.TrySetResult(c.Text); return ValueTask.CompletedTask; });

        Assert.Equal("Apologise for the wait.", await received.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal([("late-1", true)], await AcksAsync("SIM_cmd_later", 1));
    }

    private CallReporter Open(string callId, ConcurrentDictionary<string, ConcurrentQueue<string>> received)
    {
        var call = _client.OpenCall(callId);
        var log = received.GetOrAdd(callId, _ => new());
        call.On<GuideCommand>((c, _) => { log.Enqueue("guide:" + c.Text); return ValueTask.CompletedTask; });
        call.On<PauseCommand>((_, _) => { log.Enqueue("pause"); return ValueTask.CompletedTask; });
        call.On<SayCommand>((c, _) => { log.Enqueue("say:" + c.Text); return ValueTask.CompletedTask; });
        call.CallStarted();
        return call;
    }

    private async Task<List<(string, bool)>> AcksAsync(string callId, int count)
    {
        var events = await Eventually.GetAsync(
            () => _server.ReadEventsAsync(_viewerKey, callId, CancellationToken.None),
            e => e.Count(x => x.Type == EventTypes.CommandAcked) >= count,
            $"{count} acknowledgements on {callId}");
        return [.. events.Where(e => e.Type == EventTypes.CommandAcked)
            .Select(e => (e.Data.GetProperty("commandId").GetString()!, e.Data.GetProperty("ok").GetBoolean()))];
    }

    private static AgentCommand Command(string id, string callId, string type, object data) =>
        new(id, callId, type, JsonSerializer.SerializeToElement(data, ContractJson.Options));
}
