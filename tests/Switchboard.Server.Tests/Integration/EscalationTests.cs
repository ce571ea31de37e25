using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;
using Switchboard.Server.Escalations;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed class EscalationTests : IAsyncLifetime
{
    private readonly SwitchboardApp _app = new();
    private readonly string _callId = AgentEvents.NewCallId();
    private string _agentKey = null!;
    private CommandAgent _agent = null!;

    public async Task InitializeAsync()
    {
        _agentKey = _app.CreateKey("agent");
        _agent = await CommandAgent.ConnectAsync(_app, _agentKey);
        await _agent.SendAsync(AgentEvents.CallStarted(_callId), AgentEvents.Said(_callId, "customer", "Can I get a refund for a double charge?"));
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _app.Dispose();
    }

    [Fact]
    public async Task Without_an_online_supervisor_the_agent_learns_it_at_once()
    {
        using var offline = await _app.SignInAsync(Roles.Supervisor, "sam");
        await _agent.SendAsync(AgentEvents.Escalate(_callId, "q1", "Can we refund twice?", "billing"));

        var command = await _agent.NextCommandAsync(CommandTypes.EscalationAnswer);
        Assert.Equal(("q1", EscalationOutcomes.NoSupervisor), (CommandAgent.Field(command, "requestId"), CommandAgent.Field(command, "outcome")));
        var all = await offline.GetFromJsonAsync<JsonElement>("/api/v1/escalations?status=all");
        Assert.Equal(HelpRequestStatus.Unavailable, all[0].GetProperty("request").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_supervisor_online_without_the_topic_skill_does_not_count()
    {
        using var sam = await _app.SignInAsync(Roles.Supervisor, "sam", ["billing"]);
        await using var online = await LiveStream.OpenAsync(sam, "/api/v1/escalations/stream", "snapshot");
        await _agent.SendAsync(AgentEvents.Escalate(_callId, "q1", "Is this medication safe?", "medical"));

        var command = await _agent.NextCommandAsync(CommandTypes.EscalationAnswer);
        Assert.Equal(EscalationOutcomes.NoSupervisor, CommandAgent.Field(command, "outcome"));
        Assert.Contains("medical", CommandAgent.Field(command, "reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unanswered_request_times_out_and_the_agent_is_told()
    {
        using var sam = await _app.SignInAsync(Roles.Supervisor, "sam");
        await using var online = await LiveStream.OpenAsync(sam, "/api/v1/wallboard/stream", "snapshot");
        await _agent.SendAsync(AgentEvents.Escalate(_callId, "q1", "Can we refund twice?", "billing", timeoutMs: 300));

        var command = await _agent.NextCommandAsync(CommandTypes.EscalationAnswer);
        Assert.Equal(EscalationOutcomes.TimedOut, CommandAgent.Field(command, "outcome"));
        var request = (await sam.GetFromJsonAsync<JsonElement>("/api/v1/escalations?status=all"))[0].GetProperty("request");
        Assert.Equal(HelpRequestStatus.TimedOut, request.GetProperty("status").GetString());
        Assert.Contains(EventTypes.EscalationTimedOut, await EventTypesOnceAppendedAsync(sam, EventTypes.EscalationTimedOut));
        using var late = await sam.PostAsJsonAsync($"/api/v1/escalations/{request.GetProperty("id").GetString()}/answer", new { answer = "Yes" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task When_the_caller_hangs_up_the_request_is_cancelled()
    {
        using var sam = await _app.SignInAsync(Roles.Supervisor, "sam");
        await using var queue = await LiveStream.OpenAsync(sam, "/api/v1/escalations/stream", "snapshot");
        await _agent.SendAsync(AgentEvents.Escalate(_callId, "q1", "Can we refund twice?", "billing"));
        await queue.NextAsync("request");

        await _agent.SendAsync(AgentEvents.Ended(_callId, "caller_hangup"));
        var update = JsonDocument.Parse((await queue.NextAsync("request")).Data).RootElement.GetProperty("request");
        Assert.Equal((HelpRequestStatus.Cancelled, "The call ended (caller_hangup)."), (update.GetProperty("status").GetString(), update.GetProperty("closeReason").GetString()));
        Assert.Empty((await sam.GetFromJsonAsync<JsonElement>("/api/v1/escalations")).EnumerateArray());
        Assert.Contains(EventTypes.EscalationCancelled, await EventTypesOnceAppendedAsync(sam, EventTypes.EscalationCancelled));
    }

    [Fact]
    public async Task One_supervisor_claims_and_others_get_409()
    {
        using var sam = await _app.SignInAsync(Roles.Supervisor, "sam");
        using var kim = await _app.SignInAsync(Roles.Supervisor, "kim");
        await using var online = await LiveStream.OpenAsync(sam, "/api/v1/escalations/stream", "snapshot");
        await _agent.SendAsync(AgentEvents.Escalate(_callId, "q1", "Can we refund twice?", "billing"));
        var frame = await online.NextAsync("request");
        var id = JsonDocument.Parse(frame.Data).RootElement.GetProperty("request").GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.OK, (await sam.PostAsync($"/api/v1/escalations/{id}/claim", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await kim.PostAsync($"/api/v1/escalations/{id}/claim", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await kim.PostAsJsonAsync($"/api/v1/escalations/{id}/answer", new { answer = "No" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await kim.PostAsync("/api/v1/escalations/help_nope/claim", null)).StatusCode);
    }

    [Fact]
    public async Task A_supervisor_with_the_skill_who_comes_online_later_sees_the_request_and_others_do_not()
    {
        using var sam = await _app.SignInAsync(Roles.Supervisor, "sam", ["billing"]);
        await using (var online = await LiveStream.OpenAsync(sam, "/api/v1/escalations/stream", "snapshot"))
        {
            await _agent.SendAsync(AgentEvents.Escalate(_callId, "q1", "Can we refund twice?", "billing"));
            await online.NextOpenRequestAsync();
        }

        using var kim = await _app.SignInAsync(Roles.Supervisor, "kim", ["billing"]);
        using var lee = await _app.SignInAsync(Roles.Supervisor, "lee", ["medical"]);
        await using var kimStream = await LiveStream.OpenAsync(kim, "/api/v1/escalations/stream", "snapshot");
        var kimQueue = await kim.GetFromJsonAsync<JsonElement>("/api/v1/escalations?mine=true");
        var leeQueue = await lee.GetFromJsonAsync<JsonElement>("/api/v1/escalations?mine=true");
        Assert.Equal("q1", kimQueue.EnumerateArray().Single().GetProperty("request").GetProperty("requestId").GetString());
        Assert.Empty(leeQueue.EnumerateArray());
        Assert.Single((await lee.GetFromJsonAsync<JsonElement>("/api/v1/escalations")).EnumerateArray());
    }

    /// <summary>The call's event types, once <paramref name="expected"/> is among them or 10 s have passed
    /// (the queue announces a change before its event has committed).</summary>
    private async Task<List<string>> EventTypesOnceAppendedAsync(HttpClient client, string expected)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var types = await EventTypesAsync(client);
        while (!types.Contains(expected) && !patience.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
            types = await EventTypesAsync(client);
        }

        return types;
    }

    private async Task<List<string>> EventTypesAsync(HttpClient client)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/calls/{_callId}/events");
        return [.. page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];
    }
}
