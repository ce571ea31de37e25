using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts.Commands;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed class InterventionTests : IAsyncLifetime
{
    private readonly SwitchboardApp _app = new();
    private readonly string _callId = AgentEvents.NewCallId();
    private CommandAgent _agent = null!;
    private HttpClient _alice = null!;
    private HttpClient _bob = null!;

    public async Task InitializeAsync()
    {
        _agent = await CommandAgent.ConnectAsync(_app, _app.CreateKey("agent"));
        await _agent.SendAsync(AgentEvents.CallStarted(_callId), AgentEvents.Said(_callId, "customer", "I want to cancel my booking."));
        _alice = await _app.SignInAsync(Roles.Supervisor, "alice");
        _bob = await _app.SignInAsync(Roles.Supervisor, "bob");
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _alice.Dispose();
        _bob.Dispose();
        _app.Dispose();
    }

    [Fact]
    public async Task Guidance_reaches_the_agent_and_shows_as_applied_once_acknowledged()
    {
        var result = await PostAsync(_alice, "guide", new { text = "Offer the 10% voucher." });
        var command = await _agent.NextCommandAsync(CommandTypes.Guide);
        Assert.Equal("Offer the 10% voucher.", CommandAgent.Field(command, "text"));
        Assert.Equal(result.GetProperty("commandId").GetString(), command.CommandId);
        Assert.False(State().Commands.Single().Applied);

        await _agent.AckAsync(command);
        Assert.True(State().Commands.Single(c => c.CommandId == command.CommandId).Applied);
        Assert.Equal("alice", (await AuditAsync("call.guide")).Actor);
    }

    [Fact]
    public async Task Listening_shows_who_is_watching_and_offers_the_transcript_stream()
    {
        var result = await PostAsync(_alice, "listen", new { });
        Assert.Equal("transcript", result.GetProperty("mode").GetString());
        Assert.Equal($"/api/v1/calls/{_callId}/stream", result.GetProperty("streamUrl").GetString());
        Assert.Equal("listen", State().Supervisors["alice"]);

        await PostAsync(_alice, "leave", new { });
        Assert.False(State().Supervisors.ContainsKey("alice"));
    }

    [Fact]
    public async Task An_intervention_decides_on_the_calls_log_even_where_the_live_view_has_not_folded_the_last_commit_yet()
    {
        // Alice listens, then leaves: on another node, whose live view has folded the listen but
        // not yet the leave (it reads other nodes' commits a moment later), she listens again.
        await PostAsync(_alice, "listen", new { });
        var store = _app.Services.GetRequiredService<Switchboard.Server.Storage.IEventStore>();
        var listened = await store.ReadAsync(_callId, 0, 1_000, CancellationToken.None);
        await PostAsync(_alice, "leave", new { });
        Assert.False(State().Supervisors.ContainsKey("alice"));

        var (behind, listenOnOtherNode) = await OtherNodeAsync(listened);
        Assert.Equal("listen", behind.Find(_callId)!.Supervisors["alice"]);

        var outcome = await listenOnOtherNode(_callId);

        Assert.Equal(200, outcome.Status);
        // The log, and every view folded from it, has her watching again.
        Assert.Equal("listen", State().Supervisors["alice"]);
        var joined = (await store.ReadAsync(_callId, 0, 1_000, CancellationToken.None)).Count(e => e.Type == Contracts.Events.EventTypes.SupervisorJoined);
        Assert.Equal(2, joined);
    }

    [Fact]
    public async Task An_intervention_reaches_a_call_another_node_started_before_this_nodes_live_view_has_any_of_it()
    {
        var (behind, listenOnOtherNode) = await OtherNodeAsync([]);
        Assert.Null(behind.Find(_callId));

        var outcome = await listenOnOtherNode(_callId);

        Assert.Equal(200, outcome.Status);
        Assert.Equal("listen", State().Supervisors["alice"]);
        Assert.Equal(404, (await listenOnOtherNode("NO_SUCH_CALL")).Status);
    }

    /// <summary>
    /// Another node on the same log, whose live view has folded only <paramref name="folded"/>
    /// (it reads other nodes' commits a moment later), and Alice listening to a call through it.
    /// </summary>
    private async Task<(LiveCalls Behind, Func<string, Task<Switchboard.Server.Supervision.InterventionOutcome>> Listen)> OtherNodeAsync(IReadOnlyList<Contracts.Events.StoredEvent> folded)
    {
        var behind = new LiveCalls(new Switchboard.Server.Streaming.EventHub(), ActivatorUtilities.CreateInstance<WallboardFeed>(_app.Services), TimeProvider.System);
        behind.OnCommitted(new Switchboard.Server.Storage.CommittedBatch(folded, new HashSet<string>()));
        var otherNode = ActivatorUtilities.CreateInstance<Switchboard.Server.Supervision.CallInterventions>(_app.Services, behind);
        var alice = (await _app.Services.GetRequiredService<UserStore>().FindByNameAsync("alice", CancellationToken.None))!;
        var actor = new Actor(alice.Id, alice.Username, "user", alice.Role, null);
        return (behind, callId => otherNode.RunAsync(callId, "listen", null, actor, call => otherNode.ListenAsync(call, actor, null, CancellationToken.None), CancellationToken.None));
    }

    [Fact]
    public async Task A_listener_whose_call_stream_closes_stops_being_shown_as_watching()
    {
        var stream = await LiveStream.OpenAsync(_alice, $"/api/v1/calls/{_callId}/stream", "caught-up");
        await PostAsync(_alice, "listen", new { });
        Assert.Equal("listen", State().Supervisors["alice"]);

        await stream.DisposeAsync();
        var left = await NextEventAsync(Contracts.Events.EventTypes.SupervisorLeft);
        Assert.Equal("alice", left.GetProperty("data").GetProperty("user").GetString());
        Assert.False(State().Supervisors.ContainsKey("alice"));
    }

    [Fact]
    public async Task Take_over_by_text_pauses_the_agent_speaks_through_it_and_hands_back_with_a_summary()
    {
        await PostAsync(_alice, "takeover", new { requestId = "t1" });
        var pause = await _agent.NextCommandAsync(CommandTypes.Pause);
        Assert.Equal("takeover", CommandAgent.Field(pause, "reason"));
        Assert.Equal("alice", State().TakeoverBy);

        await PostAsync(_alice, "say", new { text = "Hi, I'm Alice, a supervisor. I can cancel it for you." });
        var say = await _agent.NextCommandAsync(CommandTypes.Say);
        Assert.Equal("Hi, I'm Alice, a supervisor. I can cancel it for you.", CommandAgent.Field(say, "text"));
        Assert.Equal(("supervisor", "Hi, I'm Alice, a supervisor. I can cancel it for you."), (State().RecentTranscript[^1].Speaker, State().RecentTranscript[^1].Text));
        await _agent.SendAsync(AgentEvents.Said(_callId, "customer", "Great, booking 4411 please."));

        var handback = await PostAsync(_alice, "handback", new { note = "Booking 4411 is cancelled." });
        var resume = await _agent.NextCommandAsync(CommandTypes.Resume);
        var summary = CommandAgent.Field(resume, "summary")!;
        Assert.Equal(handback.GetProperty("summary").GetString(), summary);
        Assert.Contains("supervisor: Hi, I'm Alice", summary, StringComparison.Ordinal);
        Assert.Contains("customer: Great, booking 4411 please.", summary, StringComparison.Ordinal);
        Assert.Contains("Booking 4411 is cancelled.", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("I want to cancel my booking", summary, StringComparison.Ordinal);
        Assert.Null(State().TakeoverBy);
        Assert.Equal(["call.takeover", "call.say", "call.handback"], await AuditActionsAsync("alice"));
    }

    [Fact]
    public async Task Only_one_supervisor_holds_a_call_and_conflicting_actions_get_409()
    {
        await PostAsync(_alice, "takeover", new { });
        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync(_bob, "takeover", new { }));
        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync(_bob, "say", new { text = "hello" }));
        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync(_bob, "handback", new { }));
        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync(_bob, "end", new { }));
        Assert.Equal("alice", State().TakeoverBy);
        Assert.Equal("conflict", (await AuditAsync("call.takeover", "bob")).Outcome);

        await PostAsync(_alice, "handback", new { });
        await PostAsync(_bob, "takeover", new { });
        Assert.Equal("bob", State().TakeoverBy);
    }

    [Fact]
    public async Task Concurrent_take_overs_leave_exactly_one_holder()
    {
        var attempts = await Task.WhenAll(StatusAsync(_alice, "takeover", new { }), StatusAsync(_bob, "takeover", new { }));
        Assert.Single(attempts, s => s == HttpStatusCode.OK);
        Assert.Single(attempts, s => s == HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_repeated_request_id_acts_once_and_returns_the_first_answer()
    {
        var first = await PostAsync(_alice, "guide", new { requestId = "g-1", text = "Be brief." });
        var again = await PostAsync(_alice, "guide", new { requestId = "g-1", text = "Be brief." });
        Assert.Equal(first.GetProperty("commandId").GetString(), again.GetProperty("commandId").GetString());
        await _agent.NextCommandAsync(CommandTypes.Guide);
        await Task.Delay(200);
        Assert.False(_agent.HasPendingCommand);
        Assert.Single(State().Commands);
    }

    [Fact]
    public async Task Ending_tells_the_agent_and_closes_the_call()
    {
        await PostAsync(_alice, "end", new { });
        var end = await _agent.NextCommandAsync(CommandTypes.End);
        Assert.Equal("supervisor_ended", CommandAgent.Field(end, "reason"));
        Assert.Null(_app.Services.GetRequiredService<LiveCalls>().Find(_callId));
        var call = await _alice.GetFromJsonAsync<JsonElement>($"/api/v1/calls/{_callId}");
        Assert.Equal("supervisor_ended", call.GetProperty("endReason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(_alice, "guide", new { text = "too late" }));
    }

    [Fact]
    public async Task Transfer_without_LiveKit_says_what_to_configure()
    {
        using var response = await _alice.PostAsJsonAsync($"/api/v1/calls/{_callId}/transfer", new { destination = "billing" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("LiveKit:Url", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> NextEventAsync(string type)
    {
        using var viewer = await _app.SignInAsync(Roles.Viewer);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var frame in SseReader.ReadAsync(viewer, $"/api/v1/calls/{_callId}/stream", cancellationToken: timeout.Token))
        {
            if (frame.Event == type)
            {
                return JsonDocument.Parse(frame.Data).RootElement.Clone();
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }

    private CallState State() => _app.Services.GetRequiredService<LiveCalls>().Find(_callId)!;

    private async Task<AuditEntry> AuditAsync(string action, string? actor = null) =>
        (await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: action, Actor: actor), CancellationToken.None)).First();

    private async Task<string[]> AuditActionsAsync(string actor) =>
        [.. (await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Actor: actor, Action: "call.*"), CancellationToken.None)).Select(e => e.Action).Reverse()];

    private async Task<JsonElement> PostAsync(HttpClient client, string action, object body)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/calls/{_callId}/{action}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{action}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<HttpStatusCode> StatusAsync(HttpClient client, string action, object body)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/calls/{_callId}/{action}", body);
        return response.StatusCode;
    }
}
