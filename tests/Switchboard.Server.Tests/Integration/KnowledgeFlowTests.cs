using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Commands;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>Escalation to knowledge: asked, queued with context, claimed, answered, learnt, approved, found, suggested.</summary>
public sealed class KnowledgeFlowTests : IAsyncLifetime
{
    private readonly SwitchboardApp _app = new();
    private string _agentKey = null!;
    private CommandAgent _agent = null!;
    private HttpClient _sam = null!;

    public async Task InitializeAsync()
    {
        _agentKey = _app.CreateKey("agent");
        _agent = await CommandAgent.ConnectAsync(_app, _agentKey);
        _sam = await _app.SignInAsync(Roles.Supervisor, "sam", ["billing"]);
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _sam.Dispose();
        _app.Dispose();
    }

    [Fact]
    public async Task An_answered_escalation_becomes_knowledge_that_agents_find_and_supervisors_are_offered()
    {
        await using var queue = await LiveStream.OpenAsync(_sam, "/api/v1/escalations/stream", "snapshot");
        var call = AgentEvents.NewCallId();
        await _agent.SendAsync(AgentEvents.CallStarted(call), AgentEvents.Said(call, "customer", "I was charged twice for my haircut."));
        await _agent.SendAsync(AgentEvents.Escalate(call, "q1", "Can we refund a double card charge?", "Billing"));

        // In the queue, with its context, hold time and the call's recent transcript.
        var view = await queue.NextOpenRequestAsync();
        var request = view.GetProperty("request");
        var id = request.GetProperty("id").GetString()!;
        Assert.Equal("billing", request.GetProperty("topic").GetString());
        Assert.Equal("The caller asked about it twice.", request.GetProperty("context").GetString());
        Assert.Equal(["sam"], request.GetProperty("routedTo").EnumerateArray().Select(e => e.GetString()));
        Assert.True(view.GetProperty("holdSeconds").GetDouble() >= 0);
        Assert.Equal("I was charged twice for my haircut.", view.GetProperty("recentTranscript")[0].GetProperty("text").GetString());
        Assert.Empty(view.GetProperty("quickResponses").EnumerateArray());

        Assert.Equal(HttpStatusCode.OK, (await _sam.PostAsync($"/api/v1/escalations/{id}/claim", null)).StatusCode);
        using var answered = await _sam.PostAsJsonAsync($"/api/v1/escalations/{id}/answer", new { answer = "Yes: refund the duplicate charge within 5 days." });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        // Pushed to the agent over its command channel.
        var command = await _agent.NextCommandAsync(CommandTypes.EscalationAnswer);
        Assert.Equal(("q1", EscalationOutcomes.Answered, "Yes: refund the duplicate charge within 5 days.", "sam"),
            (CommandAgent.Field(command, "requestId"), CommandAgent.Field(command, "outcome"), CommandAgent.Field(command, "answer"), CommandAgent.Field(command, "by")));

        // A pending entry that search does not find yet.
        var pending = await _sam.GetFromJsonAsync<JsonElement>("/api/v1/kb?status=pending");
        var entry = pending.EnumerateArray().Single();
        Assert.Equal(("Can we refund a double card charge?", "billing", call), (entry.GetProperty("question").GetString(), entry.GetProperty("topic").GetString(), entry.GetProperty("sourceCallId").GetString()));
        using var agentHttp = _app.ClientWithKey(_agentKey);
        Assert.Empty((await agentHttp.GetFromJsonAsync<JsonElement>("/api/v1/kb/search?q=refund%20double%20charge")).EnumerateArray());

        // Approved: found by agents with a score, and offered for the next similar question.
        var entryId = entry.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await _sam.PostAsync($"/api/v1/kb/{entryId}/approve", null)).StatusCode);
        var hits = await agentHttp.GetFromJsonAsync<JsonElement>("/api/v1/kb/search?q=refund%20for%20a%20double%20charge");
        Assert.Equal(entryId, hits[0].GetProperty("id").GetInt64());
        Assert.True(hits[0].GetProperty("score").GetDouble() > 0);

        var next = AgentEvents.NewCallId();
        await _agent.SendAsync(AgentEvents.CallStarted(next), AgentEvents.Escalate(next, "q2", "Could you refund a charge made twice?", "billing"));
        var suggested = await queue.NextOpenRequestAsync();
        Assert.Equal("q2", suggested.GetProperty("request").GetProperty("requestId").GetString());
        Assert.Equal("Yes: refund the duplicate charge within 5 days.", suggested.GetProperty("quickResponses")[0].GetProperty("answer").GetString());
    }

    [Fact]
    public async Task Only_answers_that_match_the_question_are_offered_each_with_its_score_and_entry()
    {
        var router = await CreateAsync("Can we replace a router that keeps dropping the connection?", "Yes, send a replacement router if the line test passes.", "support");
        var vacation = await CreateAsync("How many vacation days do new employees get?", "New employees get 25 vacation days a year; HR has the form.", "hr");
        await using var queue = await LiveStream.OpenAsync(_sam, "/api/v1/escalations/stream", "snapshot");

        // The full-text search finds both (they share "day"); only the related one is offered.
        var hits = await _sam.GetFromJsonAsync<JsonElement>("/api/v1/kb/search?q=" + Uri.EscapeDataString("router drops the connection every day"));
        Assert.Equal(2, hits.GetArrayLength());
        var call = AgentEvents.NewCallId();
        await _agent.SendAsync(AgentEvents.CallStarted(call), AgentEvents.Escalate(call, "q-router", "The caller's router drops the connection every day; can we replace it?", "billing"));
        var offered = (await queue.NextOpenRequestAsync()).GetProperty("quickResponses");

        var only = Assert.Single(offered.EnumerateArray());
        Assert.Equal((router, "support", "Can we replace a router that keeps dropping the connection?"),
            (only.GetProperty("entryId").GetInt64(), only.GetProperty("topic").GetString(), only.GetProperty("question").GetString()));
        Assert.InRange(only.GetProperty("match").GetDouble(), 0.3, 1);
        Assert.DoesNotContain(offered.EnumerateArray(), o => o.GetProperty("entryId").GetInt64() == vacation);

        // An unrelated question is offered nothing at all.
        var other = AgentEvents.NewCallId();
        await _agent.SendAsync(AgentEvents.CallStarted(other), AgentEvents.Escalate(other, "q-day", "Which day is the next invoice due?", "billing"));
        Assert.Empty((await queue.NextOpenRequestAsync()).GetProperty("quickResponses").EnumerateArray());
    }

    [Fact]
    public void A_match_threshold_outside_0_to_1_stops_the_server_at_start()
    {
        using var app = new SwitchboardApp();
        app.Settings["Escalations:QuickResponseMinMatch"] = "1.5";
        var error = Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("QuickResponseMinMatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Near_duplicate_questions_merge_into_one_pending_entry()
    {
        await using var online = await LiveStream.OpenAsync(_sam, "/api/v1/escalations/stream", "snapshot");
        foreach (var (question, answer) in new[] { ("What are your opening hours on Sunday?", "10 to 4."), ("What are the opening hours on Sundays?", "10 to 4 on Sundays.") })
        {
            var call = AgentEvents.NewCallId();
            await _agent.SendAsync(AgentEvents.CallStarted(call), AgentEvents.Escalate(call, "q", question, "billing"));
            var id = (await online.NextOpenRequestAsync()).GetProperty("request").GetProperty("id").GetString();
            Assert.Equal(HttpStatusCode.OK, (await _sam.PostAsJsonAsync($"/api/v1/escalations/{id}/answer", new { answer })).StatusCode);
        }

        var entry = (await _sam.GetFromJsonAsync<JsonElement>("/api/v1/kb")).EnumerateArray().Single();
        Assert.Equal(2, entry.GetProperty("occurrences").GetInt32());
        Assert.Equal("10 to 4 on Sundays.", entry.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task Supervisors_edit_merge_and_reject_entries()
    {
        var parking = await CreateAsync("Is there parking?", "Yes, behind the salon.");
        var parking2 = await CreateAsync("Where can I park my car?", "Behind the salon.");
        var spam = await CreateAsync("Do you sell gift cards?", "Ask at the desk.");

        using var edit = await _sam.PutAsJsonAsync($"/api/v1/kb/{parking}", new { answer = "Yes, free parking behind the salon." });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _sam.PostAsJsonAsync($"/api/v1/kb/{parking2}/merge", new { into = parking })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _sam.PostAsync($"/api/v1/kb/{spam}/reject", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _sam.PostAsync($"/api/v1/kb/{parking2}/approve", null)).StatusCode);

        var hits = await _sam.GetFromJsonAsync<JsonElement>("/api/v1/kb/search?q=park");
        var hit = hits.EnumerateArray().Single();
        Assert.Equal(("Yes, free parking behind the salon.", parking), (hit.GetProperty("answer").GetString(), hit.GetProperty("id").GetInt64()));
        Assert.Equal(2, (await _sam.GetFromJsonAsync<JsonElement>($"/api/v1/kb/{parking}")).GetProperty("occurrences").GetInt32());
        Assert.Empty((await _sam.GetFromJsonAsync<JsonElement>("/api/v1/kb/search?q=gift%20cards")).EnumerateArray());
    }

    [Fact]
    public async Task Search_text_is_never_read_as_query_syntax()
    {
        await CreateAsync("Is there parking?", "Yes.");
        foreach (var q in new[] { "\"parking", "parking*", "NEAR(parking)", "parking OR", "^parking -", "'; DROP TABLE kb_entries; --" })
        {
            using var response = await _sam.GetAsync("/api/v1/kb/search?q=" + Uri.EscapeDataString(q));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Single((await _sam.GetFromJsonAsync<JsonElement>("/api/v1/kb/search?q=parking")).EnumerateArray());
    }

    private async Task<long> CreateAsync(string question, string answer, string topic = "salon")
    {
        using var response = await _sam.PostAsJsonAsync("/api/v1/kb", new { question, answer, topic });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
