using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Sdk.Tests.Infrastructure;

namespace Switchboard.Sdk.Tests.Integration;

/// <summary><c>EscalateAsync</c> end to end: a real server on loopback, the SDK on its WebSocket, a signed-in supervisor.</summary>
public sealed class EscalationTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _dataDirectory = LoopbackServer.NewDataDirectory();
    private LoopbackServer _server = null!;
    private SwitchboardClient _client = null!;
    private string _agentKey = "";

    public Task InitializeAsync()
    {
        _server = new LoopbackServer(_dataDirectory, LoopbackServer.FreePort()).Start();
        _agentKey = _server.CreateKey("agent");
        _client = new SwitchboardClient(new SwitchboardClientOptions { ServerUrl = _server.Url, ApiKey = _agentKey });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        LoopbackServer.DeleteDirectory(_dataDirectory);
    }

    [Fact]
    public async Task An_escalation_is_queued_with_its_context_answered_learnt_and_suggested_next_time()
    {
        await using var sam = await SupervisorBrowser.SignInAsync(_server, "sam", "billing");
        await sam.OpenQueueAsync();
        using var call = _client.OpenCall("SIM_esc_flow");
        call.CallStarted();
        call.FinalTranscript(Speaker.Customer, "s1", "I was charged twice for my haircut.");
        var escalation = call.EscalateAsync("Can we refund a double card charge?", "billing", "Charged twice on 3 November.", TimeSpan.FromMinutes(1));

        var view = await sam.NextOpenRequestAsync();
        var request = view.GetProperty("request");
        Assert.Equal(("Can we refund a double card charge?", "billing", "Charged twice on 3 November."),
            (request.GetProperty("question").GetString(), request.GetProperty("topic").GetString(), request.GetProperty("context").GetString()));
        Assert.Equal("I was charged twice for my haircut.", view.GetProperty("recentTranscript")[0].GetProperty("text").GetString());
        Assert.False(escalation.IsCompleted);

        var id = request.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await sam.Http.PostAsync($"api/v1/escalations/{id}/claim", null)).StatusCode);
        using (var answered = await sam.Http.PostAsJsonAsync($"api/v1/escalations/{id}/answer", new { answer = "Yes: refund the duplicate within 5 days." }))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        var result = await escalation.WaitAsync(Wait);
        Assert.Equal((EscalationOutcome.Answered, "Yes: refund the duplicate within 5 days.", "sam"), (result.Outcome, result.Answer, result.By));

        var entry = (await sam.Http.GetFromJsonAsync<JsonElement>("api/v1/kb?status=pending")).EnumerateArray().Single();
        Assert.Equal(("Can we refund a double card charge?", "SIM_esc_flow"), (entry.GetProperty("question").GetString(), entry.GetProperty("sourceCallId").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await sam.Http.PostAsync($"api/v1/kb/{entry.GetProperty("id").GetInt64()}/approve", null)).StatusCode);

        using var agentHttp = new HttpClient { BaseAddress = _server.Url };
        agentHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _agentKey);
        var hits = await agentHttp.GetFromJsonAsync<JsonElement>("api/v1/kb/search?q=refund%20a%20charge%20made%20twice");
        Assert.Equal("Yes: refund the duplicate within 5 days.", hits[0].GetProperty("answer").GetString());
        Assert.True(hits[0].GetProperty("score").GetDouble() > 0);

        using var next = _client.OpenCall("SIM_esc_next");
        next.CallStarted();
        var second = next.EscalateAsync("Could you refund a charge that was made twice?", "billing", timeout: TimeSpan.FromMinutes(1));
        var suggested = await sam.NextOpenRequestAsync();
        Assert.Equal("Yes: refund the duplicate within 5 days.", suggested.GetProperty("quickResponses")[0].GetProperty("answer").GetString());
        Assert.False(second.IsCompleted);
    }

    [Fact]
    public async Task With_nobody_online_the_agent_learns_it_at_once()
    {
        await using var offline = await SupervisorBrowser.SignInAsync(_server, "kim", "billing");
        using var call = _client.OpenCall("SIM_esc_nobody");
        call.CallStarted();
        var result = await call.EscalateAsync("Can we refund twice?", "billing", timeout: TimeSpan.FromMinutes(5)).WaitAsync(Wait);
        Assert.Equal(EscalationOutcome.NoSupervisor, result.Outcome);
        Assert.Contains("billing", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unanswered_escalation_times_out_for_the_agent_and_in_the_call()
    {
        await using var sam = await SupervisorBrowser.SignInAsync(_server, "sam", "*");
        await sam.OpenQueueAsync();
        using var call = _client.OpenCall("SIM_esc_timeout");
        call.CallStarted();
        var result = await call.EscalateAsync("Can we refund twice?", "billing", timeout: TimeSpan.FromMilliseconds(300)).WaitAsync(Wait);
        Assert.Equal(EscalationOutcome.TimedOut, result.Outcome);

        var viewer = _server.CreateKey("viewer");
        var events = await Eventually.GetAsync(() => _server.ReadEventsAsync(viewer, "SIM_esc_timeout", CancellationToken.None),
            e => e.Any(x => x.Type == EventTypes.EscalationTimedOut), "escalation.timed_out in the call");
        Assert.Equal(result.RequestId, events.Single(e => e.Type == EventTypes.EscalationTimedOut).Data.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task When_the_caller_hangs_up_the_escalation_is_cancelled()
    {
        await using var sam = await SupervisorBrowser.SignInAsync(_server, "sam", "*");
        await sam.OpenQueueAsync();
        using var call = _client.OpenCall("SIM_esc_hangup");
        call.CallStarted();
        var escalation = call.EscalateAsync("Can we refund twice?", "billing", timeout: TimeSpan.FromMinutes(1));
        var id = (await sam.NextOpenRequestAsync()).GetProperty("request").GetProperty("id").GetString();

        call.CallEnded(CallEndReason.CallerHangup);
        var result = await escalation.WaitAsync(Wait);
        Assert.Equal(EscalationOutcome.Cancelled, result.Outcome);
        var request = await sam.Http.GetFromJsonAsync<JsonElement>($"api/v1/escalations/{id}");
        Assert.Equal("cancelled", request.GetProperty("request").GetProperty("status").GetString());
    }
}
