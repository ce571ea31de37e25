using Switchboard.Agents.Runtime;
using Switchboard.Agents.Tests.Infrastructure;
using Switchboard.Sdk;
using Switchboard.Testing.OpenAiCompatible;
using static Switchboard.Agents.Tests.Infrastructure.Agents;

namespace Switchboard.Agents.Tests.Runtime;

/// <summary>Retries, the fallback model, the circuit breaker and the spoken "one moment", each visible in the debug stream.</summary>
public sealed class ReliabilityTests
{
    [Fact]
    public async Task An_outage_of_the_first_model_falls_back_to_the_second_and_then_its_open_circuit_is_skipped()
    {
        await using var model = await OpenAiCompatibleDouble.StartAsync(r => r.Model == "model-a" ? ChatReply.Fail(503, "overloaded") : ChatReply.Say("Answered by the fallback."));
        var llm = Llm(model, "model-a", fallback: "model-b") with { Retries = 1, BreakerFailures = 2, BreakerDuration = TimeSpan.FromMinutes(1) };
        var link = new RecordingLink("outage");
        var output = new RecordingOutput();
        await using var session = NewRuntime("salon", llm).OpenSession(link, output);
        await session.StartAsync(Details("outage"), "caller", CancellationToken.None);

        await session.CallerSaysAsync("Are you open on Monday?", CancellationToken.None);
        await output.WaitForAsync("Answered by the fallback.", Wait);
        Assert.Equal(["model-a", "model-a", "model-b"], model.Requests.Select(r => r.Model));
        Assert.Equal("model-b", link.Turns.Single().Model);
        Assert.Contains(link.Reports, r => r.StartsWith("debug llm: model-a: attempt 1 failed (HTTP 503); retrying in", StringComparison.Ordinal));
        Assert.Contains("debug llm: answered by the fallback model model-b", link.Reports);

        await session.CallerSaysAsync("And on Tuesday?", CancellationToken.None);
        Assert.Equal(["model-a", "model-a", "model-b", "model-b"], model.Requests.Select(r => r.Model));
        Assert.Contains("debug llm: model-a: circuit open after repeated failures; skipped", link.Reports);
    }

    [Fact]
    public async Task When_every_model_fails_the_caller_hears_an_apology_and_the_error_is_reported()
    {
        await using var model = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Fail(500, "boom"));
        var link = new RecordingLink("down");
        var output = new RecordingOutput();
        await using var session = NewRuntime("salon", Llm(model) with { Retries = 0 }).OpenSession(link, output);
        await session.StartAsync(Details("down"), "caller", CancellationToken.None);

        await session.CallerSaysAsync("Hello?", CancellationToken.None);
        await output.WaitForAsync("I'm sorry, I'm having trouble right now.", Wait);
        Assert.Contains("x-agent.error", link.Reports);
        Assert.Contains(link.CustomEvents, e => e.Type == "x-agent.error" && e.Json.Contains("llm_unavailable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_late_first_token_makes_the_agent_say_one_moment_once_and_a_first_token_timeout_is_retried()
    {
        var attempts = 0;
        await using var model = await OpenAiCompatibleDouble.StartAsync(_ => Interlocked.Increment(ref attempts) == 1
            ? ChatReply.Say("too late") with { FirstTokenDelay = TimeSpan.FromSeconds(10) }
            : ChatReply.Say("Here you go: we open at nine.") with { FirstTokenDelay = TimeSpan.FromMilliseconds(300) });
        var llm = Llm(model) with { FirstTokenTimeout = TimeSpan.FromSeconds(1), Retries = 2 };
        var link = new RecordingLink("slow");
        var output = new RecordingOutput();
        await using var session = NewRuntime("salon", llm, options: new AgentOptions { OneMomentAfter = TimeSpan.FromMilliseconds(200) }).OpenSession(link, output);
        await session.StartAsync(Details("slow"), "caller", CancellationToken.None);

        await session.CallerSaysAsync("When do you open?", CancellationToken.None);
        await output.WaitForAsync("we open at nine", Wait);
        var spoken = output.Lines.Skip(1).ToList();
        Assert.Equal(["Bella, Bloom Salon reception> One moment, please.", "Bella, Bloom Salon reception> Here you go: we open at nine."], spoken);
        Assert.Contains("debug llm: no first token after 200 ms: said \"One moment, please.\"", link.Reports);
        Assert.Contains(link.Reports, r => r.StartsWith("debug llm: model-a: attempt 1 failed (no first token within 1000 ms); retrying", StringComparison.Ordinal));
        Assert.True(link.Turns.Single().LlmTtftMs >= 1000, "the first token came after the timed-out attempt");
        Assert.DoesNotContain(output.Lines, l => l.Contains("too late", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_turn_reports_its_metrics_tools_and_states()
    {
        await using var model = await OpenAiCompatibleDouble.StartAsync(new ScriptedModel(
            ChatReply.Call(AgentTools.RecordDetail, new { name = "name", value = "Dana" }) with { PromptTokens = 100, CompletionTokens = 9 },
            ChatReply.Say("Thanks Dana.") with { PromptTokens = 120, CompletionTokens = 4 }).Respond);
        var link = new RecordingLink("metrics");
        await using var session = NewRuntime("salon", Llm(model)).OpenSession(link, new RecordingOutput());
        await session.StartAsync(Details("metrics"), "caller", CancellationToken.None);
        await session.CallerSaysAsync("I'm Dana.", CancellationToken.None);

        var turn = link.Turns.Single();
        Assert.Equal((220, 13, "model-a"), (turn.PromptTokens, turn.CompletionTokens, turn.Model));
        Assert.True(turn.LlmTtftMs > 0 && turn.LlmTotalMs >= turn.LlmTtftMs && turn.E2eMs >= turn.LlmTtftMs, $"{turn}");
        var reports = link.Reports.SkipWhile(r => r != "transcript Customer: I'm Dana.").ToList();
        Assert.Equal(
            ["transcript Customer: I'm Dana.", "agent.state Thinking", "tool.called record_detail {\"name\":\"name\",\"value\":\"Dana\"}", "tool.result record_detail ok",
             "agent.state Speaking", "transcript Agent: Thanks Dana.", "metrics.turn model-a", "agent.state Listening"],
            reports);
    }

    [Fact]
    public async Task A_tool_that_refuses_its_arguments_tells_the_model_why_and_the_model_can_correct_itself()
    {
        var script = new ScriptedModel(
            ChatReply.Call(AgentTools.Handoff, new { persona_id = "legal", reason = "contract" }),
            ChatReply.Call(AgentTools.Handoff, new { persona_id = "sales", reason = "contract" }));
        await using var model = await OpenAiCompatibleDouble.StartAsync(script.Respond);
        var link = new RecordingLink("refused");
        var output = new RecordingOutput();
        await using var session = NewRuntime("contact-centre", Llm(model)).OpenSession(link, output);
        await session.StartAsync(Details("refused"), "caller", CancellationToken.None);
        await session.CallerSaysAsync("I need legal advice about my contract.", CancellationToken.None);

        Assert.Contains("tool.result handoff error 'legal' is not someone you can hand the caller to; use one of: sales, support, billing.", link.Reports);
        Assert.StartsWith("Error: 'legal' is not someone", model.Requests[1].ToolResults[0].Content, StringComparison.Ordinal);
        Assert.Equal("sales", session.Persona.Id);
        await output.WaitForAsync("Sales> Hi, this is Sam from sales.", Wait);
    }

    [Fact]
    public async Task A_call_that_reaches_its_time_limit_is_ended_by_the_agent_and_says_why()
    {
        await using var model = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Say("unused"));
        var link = new RecordingLink("limit");
        await using var session = NewRuntime("salon", Llm(model), options: new AgentOptions { CallTimeout = TimeSpan.FromMilliseconds(300) }).OpenSession(link, new RecordingOutput());
        await session.StartAsync(Details("limit"), "caller", CancellationToken.None);

        Assert.Equal(CallEndReason.Completed, await session.Ended.WaitAsync(Wait));
        Assert.Contains("call.ended Completed: the call reached its time limit", link.Reports);
        Assert.Empty(model.Requests);
    }

    [Fact]
    public async Task Without_Switchboard_an_escalation_finds_nobody_and_the_agent_offers_a_call_back()
    {
        var script = new ScriptedModel(ChatReply.Call(AgentTools.AskSupervisor, new { question = "Can I bring my dog?" }), ChatReply.Say("I can't confirm that now; may we call you back?"));
        await using var model = await OpenAiCompatibleDouble.StartAsync(script.Respond);
        var output = new RecordingOutput();
        await using var session = NewRuntime("salon", Llm(model)).OpenSession(new StandaloneCallLink("alone"), output);
        await session.StartAsync(Details("alone"), "caller", CancellationToken.None);
        await session.CallerSaysAsync("Can I bring my dog?", CancellationToken.None);

        Assert.Contains("offer a call-back", model.Requests[1].ToolResults[0].Content, StringComparison.Ordinal);
        await output.WaitForAsync("may we call you back?", Wait);
    }
}
