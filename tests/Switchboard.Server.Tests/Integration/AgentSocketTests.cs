using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Ingest;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed class AgentSocketTests : IDisposable
{
    private readonly SwitchboardApp _app = new();
    private readonly string _agentKey;
    private readonly HttpClient _viewer;
    private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(60));

    public AgentSocketTests()
    {
        _agentKey = _app.CreateKey(ApiKeyScopes.Agent);
        _viewer = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Viewer));
    }

    public void Dispose()
    {
        _cts.Dispose();
        _app.Dispose();
    }

    private static object EventsMessage(string reference, params JsonObject[] events) =>
        new { op = AgentOps.Events, @ref = reference, events = new JsonArray(events) };

    [Fact]
    public async Task Batches_are_acknowledged_after_commit_with_their_seq()
    {
        await using var socket = await AgentSocket.ConnectAsync(_app, _agentKey, _cts.Token);
        await socket.SendAsync(EventsMessage("b1", Events.Started("WS1"), Events.Line("WS1", "l1", "hello")), _cts.Token);
        var ack = await socket.ReceiveOpAsync(AgentOps.Ack, _cts.Token);

        Assert.Equal("b1", ack.Ref);
        Assert.Equal([1L, 2L], ack.Results!.Select(r => r.Seq));
        var stored = await Events.ReadAllAsync(_viewer, "WS1");
        Assert.Equal(2, stored.Count);
    }

    [Fact]
    public async Task An_invalid_batch_is_rejected_with_a_problem_and_the_socket_stays_usable()
    {
        await using var socket = await AgentSocket.ConnectAsync(_app, _agentKey, _cts.Token);
        await socket.SendAsync(EventsMessage("bad", Events.Make("WS2", "x", EventTypes.AgentState, new { state = "napping" })), _cts.Token);
        var rejected = await socket.ReceiveOpAsync(AgentOps.Rejected, _cts.Token);
        Assert.Equal("bad", rejected.Ref);
        Assert.Contains("data.state", rejected.Problem!.Value.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await socket.SendRawAsync("{ not json", _cts.Token);
        Assert.Equal(AgentOps.Rejected, (await socket.ReceiveAsync(_cts.Token)).Op);

        await socket.SendAsync(new { op = AgentOps.Ping, @ref = "p" }, _cts.Token);
        Assert.Equal(AgentOps.Pong, (await socket.ReceiveAsync(_cts.Token)).Op);
        Assert.Empty(await Events.ReadAllAsync(_viewer, "WS2"));
    }

    [Fact]
    public async Task Commands_reach_the_connection_serving_the_call_and_acknowledgement_marks_them_applied()
    {
        await using var agentA = await AgentSocket.ConnectAsync(_app, _agentKey, _cts.Token);
        await using var agentB = await AgentSocket.ConnectAsync(_app, _agentKey, _cts.Token);
        await agentA.SendAsync(EventsMessage("a", Events.Started("CA")), _cts.Token);
        await agentA.ReceiveOpAsync(AgentOps.Ack, _cts.Token);
        await agentB.SendAsync(EventsMessage("b", Events.Started("CB")), _cts.Token);
        await agentB.ReceiveOpAsync(AgentOps.Ack, _cts.Token);

        // The server records the guidance (audit) and pushes the command to the agent of call CB only.
        var ingestor = _app.Services.GetRequiredService<EventIngestor>();
        await ingestor.AppendServerEventsAsync(
        [
            new EventEnvelope
            {
                Id = "guide-1", CallId = "CB", Type = EventTypes.SupervisorGuidance, At = DateTimeOffset.UtcNow,
                Data = JsonSerializer.SerializeToElement(new GuidanceData("cmd-1", "Offer the 10% discount", "ann"), ContractJson.Options),
            },
        ], _cts.Token);
        var router = _app.Services.GetRequiredService<AgentCommandRouter>();
        var delivered = router.Send(new AgentCommand("cmd-1", "CB", CommandTypes.Guide,
            JsonSerializer.SerializeToElement(new { text = "Offer the 10% discount" })));
        Assert.True(delivered);

        var command = (await agentB.ReceiveOpAsync(AgentOps.Command, _cts.Token)).Command!;
        Assert.Equal("cmd-1", command.CommandId);
        Assert.Equal("Offer the 10% discount", command.Data.GetProperty("text").GetString());

        await agentB.SendAsync(EventsMessage("ack", Events.Make("CB", "acked-1", EventTypes.CommandAcked, new { commandId = "cmd-1" })), _cts.Token);
        await agentB.ReceiveOpAsync(AgentOps.Ack, _cts.Token);
        var state = await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls/CB");
        Assert.True(state.GetProperty("commands")[0].GetProperty("applied").GetBoolean());

        // Agent A never saw it: its next message is the pong to its ping.
        await agentA.SendAsync(new { op = AgentOps.Ping }, _cts.Token);
        Assert.Equal(AgentOps.Pong, (await agentA.ReceiveAsync(_cts.Token)).Op);
    }

    [Fact]
    public async Task A_command_sent_while_the_agent_is_away_is_delivered_when_it_reconnects()
    {
        await using (var first = await AgentSocket.ConnectAsync(_app, _agentKey, _cts.Token))
        {
            await first.SendAsync(EventsMessage("a", Events.Started("CR")), _cts.Token);
            await first.ReceiveOpAsync(AgentOps.Ack, _cts.Token);
        }

        var router = _app.Services.GetRequiredService<AgentCommandRouter>();
        await WaitUntilAsync(() => !router.IsConnected("CR"));
        Assert.False(router.Send(new AgentCommand("cmd-away", "CR", CommandTypes.Pause, JsonSerializer.SerializeToElement(new { }))));

        await using var second = await AgentSocket.ConnectAsync(_app, _agentKey, _cts.Token);
        await second.SendAsync(new { op = AgentOps.Subscribe, callIds = new[] { "CR" } }, _cts.Token);
        var command = (await second.ReceiveOpAsync(AgentOps.Command, _cts.Token)).Command!;
        Assert.Equal("cmd-away", command.CommandId);
        Assert.Equal(CommandTypes.Pause, command.Type);
    }

    [Fact]
    public async Task The_socket_refuses_agents_without_a_valid_agent_key()
    {
        var viewerKey = _app.CreateKey(ApiKeyScopes.Viewer);
        await Assert.ThrowsAnyAsync<Exception>(() => AgentSocket.ConnectAsync(_app, viewerKey, _cts.Token));
        await Assert.ThrowsAnyAsync<Exception>(() => AgentSocket.ConnectAsync(_app, "sbk_wrong", _cts.Token));
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(20, _cts.Token);
        }
    }
}
