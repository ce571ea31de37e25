using Switchboard.Agents.Runtime;
using Switchboard.Agents.Tests.Infrastructure;
using Switchboard.Sdk;
using Switchboard.Testing.OpenAiCompatible;
using static Switchboard.Agents.Tests.Infrastructure.Agents;

namespace Switchboard.Agents.Tests.Runtime;

/// <summary>
/// The reference agents against the real server (its own process) and a double of an
/// OpenAI-compatible endpoint: what a supervisor sees in the call and does to it.
/// </summary>
[Collection(AgentServerCollection.Name)]
public sealed class SupervisedAgentTests(AgentTestServer server) : IAsyncLifetime
{
    private SwitchboardClient _client = null!;

    public Task InitializeAsync()
    {
        _client = new SwitchboardClient(new SwitchboardClientOptions { ServerUrl = server.Url, ApiKey = server.AgentKey });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task The_greeter_hands_off_to_billing_which_introduces_itself_and_reads_the_shared_state()
    {
        var script = new ScriptedModel(
            ChatReply.Call(AgentTools.RecordDetail, new { name = "account_number", value = "48213" }),
            ChatReply.Call(AgentTools.Handoff, new { persona_id = "billing", reason = "double charge" }),
            ChatReply.Say("I can see account 48213. Let me look at the two charges."));
        await using var model = await OpenAiCompatibleDouble.StartAsync(script.Respond);
        using var knowledge = new KnowledgeClient(server.Url, server.AgentKey);
        var output = new RecordingOutput();
        var callId = NewCallId("AG_handoff");
        await using var session = NewRuntime("contact-centre", Llm(model), knowledge).OpenSession(new SwitchboardCallLink(_client.OpenCall(callId)), output);

        await session.StartAsync(Details(callId), "caller", CancellationToken.None);
        await output.WaitForAsync("Greeter> Thanks for calling Northwind", Wait);
        await session.CallerSaysAsync("I have a question about my bill, my account is 48213.", CancellationToken.None);

        await output.WaitForAsync("Billing> Hi, this is Morgan in billing.", Wait);
        Assert.Equal(("billing", "48213"), (session.Persona.Id, session.State.Details["account_number"]));
        Assert.True(model.Requests[0].Offers(AgentTools.Handoff) && !model.Requests[0].Offers(AgentTools.AskSupervisor), "the greeter routes; it does not escalate");

        await session.CallerSaysAsync("Why was I charged twice?", CancellationToken.None);
        await output.WaitForAsync("Billing> I can see account 48213.", Wait);
        var billing = model.Requests[^1];
        Assert.Contains("You explain bills", billing.SystemText, StringComparison.Ordinal);
        Assert.Contains("account_number: 48213", billing.SystemText, StringComparison.Ordinal);
        Assert.Contains("I have a question about my bill", string.Join("\n", billing.Messages.Select(m => m.Content)), StringComparison.Ordinal);
        Assert.True(billing.Offers(AgentTools.AskSupervisor));

        var handoff = await server.WaitForEventAsync(callId, "agent.handoff", Wait, d => d.GetProperty("to").GetString() == "Billing");
        Assert.Equal("Greeter", handoff.GetProperty("data").GetProperty("from").GetString());
        var recorded = await server.WaitForEventAsync(callId, "tool.called", Wait, d => d.GetProperty("name").GetString() == AgentTools.RecordDetail);
        Assert.Contains("48213", recorded.GetProperty("data").GetProperty("arguments").ToString(), StringComparison.Ordinal);
        await server.WaitForEventAsync(callId, "transcript.final", Wait, d => d.GetProperty("text").GetString()!.StartsWith("I can see account 48213", StringComparison.Ordinal));
        Assert.Equal("Billing", (await server.CallAsync(callId)).GetProperty("persona").GetString());
    }

    [Fact]
    public async Task A_question_it_cannot_answer_goes_to_a_supervisor_while_the_caller_holds_and_the_answer_is_relayed_then_learnt()
    {
        var script = new ScriptedModel(
            ChatReply.Call(AgentTools.SearchKnowledgeBase, new { query = "balayage surcharge very long hair" }),
            ChatReply.Call(AgentTools.AskSupervisor, new { question = "Is there a surcharge for balayage on very long hair?" }),
            ChatReply.Say("Thanks for holding. Yes, balayage on hair past the shoulders is 30 dollars extra."));
        await using var model = await OpenAiCompatibleDouble.StartAsync(script.Respond);
        using var knowledge = new KnowledgeClient(server.Url, server.AgentKey);
        var output = new RecordingOutput();
        var callId = NewCallId("AG_escalate");
        var runtime = NewRuntime("salon", Llm(model), knowledge);
        await using var session = runtime.OpenSession(new SwitchboardCallLink(_client.OpenCall(callId)), output);
        await session.StartAsync(Details(callId), "caller", CancellationToken.None);

        var turn = session.CallerSaysAsync("Do you charge extra for balayage on very long hair?", CancellationToken.None);
        var view = await server.NextOpenRequestAsync(Wait);
        var request = view.GetProperty("request");
        Assert.Equal(("Is there a surcharge for balayage on very long hair?", "salon", callId),
            (request.GetProperty("question").GetString(), request.GetProperty("topic").GetString(), request.GetProperty("callId").GetString()));
        await output.WaitForAsync("Could you hold for a moment, please?", Wait);
        Assert.False(turn.IsCompleted);
        Assert.Contains("No approved answer matches", model.Requests[1].ToolResults[0].Content, StringComparison.Ordinal);

        var id = request.GetProperty("id").GetString();
        await server.Supervisor.PostAsync($"/api/v1/escalations/{id}/claim", null, CancellationToken.None);
        await server.Supervisor.PostAsync($"/api/v1/escalations/{id}/answer", new { answer = "Yes: 30 dollars extra past shoulder length." }, CancellationToken.None);
        await turn.WaitAsync(Wait);

        Assert.Contains("30 dollars extra past shoulder length", model.Requests[2].ToolResults[^1].Content, StringComparison.Ordinal);
        var lines = output.Lines;
        var hold = lines.ToList().FindIndex(l => l.Contains("Could you hold", StringComparison.Ordinal));
        var relay = lines.ToList().FindIndex(l => l.Contains("30 dollars extra.", StringComparison.Ordinal));
        Assert.True(hold >= 0 && relay > hold, string.Join(" | ", lines));
        await server.WaitForEventAsync(callId, "escalation.answered", Wait);
        await server.WaitForEventAsync(callId, "tool.result", Wait, d => d.GetProperty("name").GetString() == AgentTools.AskSupervisor && d.GetProperty("ok").GetBoolean());

        // The answer became a pending entry; once approved, the next caller gets it from the knowledge base, and nobody is asked.
        var entry = (await server.Supervisor.GetAsync("/api/v1/kb?status=pending", CancellationToken.None)).EnumerateArray()
            .Single(e => e.GetProperty("sourceCallId").GetString() == callId);
        await server.Supervisor.PostAsync($"/api/v1/kb/{entry.GetProperty("id").GetInt64()}/approve", null, CancellationToken.None);
        script.Then(
            ChatReply.Call(AgentTools.AskSupervisor, new { question = "Is there a surcharge for balayage on very long hair?" }),
            ChatReply.Say("Yes, for hair past the shoulders balayage is 30 dollars extra."));
        var nextId = NewCallId("AG_learnt");
        await using (var next = runtime.OpenSession(new SwitchboardCallLink(_client.OpenCall(nextId)), output))
        {
            await next.StartAsync(Details(nextId), "caller", CancellationToken.None);
            await next.CallerSaysAsync("Is balayage on very long hair more expensive?", CancellationToken.None);
        }

        var fromKb = model.Requests[^1].ToolResults[^1].Content!;
        Assert.Contains("Nobody was asked yet", fromKb, StringComparison.Ordinal);
        Assert.Contains("30 dollars extra past shoulder length", fromKb, StringComparison.Ordinal);
        await server.WaitForEventAsync(nextId, "call.ended", Wait);
        Assert.DoesNotContain(await server.EventsAsync(nextId), e => e.GetProperty("type").GetString() == "escalation.requested");
    }

    [Fact]
    public async Task With_no_supervisor_for_the_topic_the_agent_offers_a_call_back()
    {
        var file = Path.Combine(Path.GetTempPath(), $"billing-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, """
            title: Billing only
            start: billing
            personas:
              billing:
                name: Billing
                topic: billing
                tools: [ask_supervisor, record_detail]
                instructions: You explain bills.
            """);
        var script = new ScriptedModel(
            ChatReply.Call(AgentTools.AskSupervisor, new { question = "Can we waive a late fee after a hospital stay?" }),
            ChatReply.Say("I'm sorry, I can't confirm that right now. Can we call you back? What's the best number?"));
        await using var model = await OpenAiCompatibleDouble.StartAsync(script.Respond);
        var output = new RecordingOutput();
        var callId = NewCallId("AG_nobody");
        try
        {
            await using var session = NewRuntime(file, Llm(model)).OpenSession(new SwitchboardCallLink(_client.OpenCall(callId)), output);
            await session.StartAsync(Details(callId), "caller", CancellationToken.None);
            await session.CallerSaysAsync("I was in hospital, can you waive my late fee?", CancellationToken.None).WaitAsync(Wait);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Contains("offer a call-back", model.Requests[1].ToolResults[0].Content, StringComparison.Ordinal);
        await output.WaitForAsync("Billing> I'm sorry, I can't confirm that right now. Can we call you back?", Wait);
        var requested = await server.WaitForEventAsync(callId, "escalation.requested", Wait);
        Assert.Equal("billing", requested.GetProperty("data").GetProperty("topic").GetString());
    }

    [Fact]
    public async Task Asking_for_a_human_puts_a_transfer_request_in_the_help_queue_while_the_caller_holds()
    {
        var script = new ScriptedModel(
            ChatReply.Call(AgentTools.Handoff, new { persona_id = "sales", reason = "new plan" }),
            ChatReply.Call(AgentTools.TransferToHuman, new { reason = "wants to negotiate a business contract" }),
            ChatReply.Say("A colleague will join you now."));
        await using var model = await OpenAiCompatibleDouble.StartAsync(script.Respond);
        var output = new RecordingOutput();
        var callId = NewCallId("AG_human");
        await using var session = NewRuntime("contact-centre", Llm(model)).OpenSession(new SwitchboardCallLink(_client.OpenCall(callId)), output);
        await session.StartAsync(Details(callId), "caller", CancellationToken.None);
        await session.CallerSaysAsync("I want a new plan for my business.", CancellationToken.None);

        var turn = session.CallerSaysAsync("Actually, put me through to a person, please.", CancellationToken.None);
        var request = (await server.NextOpenRequestAsync(Wait)).GetProperty("request");
        Assert.Equal(("The caller asks for a human: wants to negotiate a business contract. Please take over or transfer the call.", "sales"),
            (request.GetProperty("question").GetString(), request.GetProperty("topic").GetString()));
        await server.WaitForEventAsync(callId, "x-agent.transfer_requested", Wait, d => d.GetProperty("persona").GetString() == "Sales");

        await server.ActAsync(callId, "takeover");
        await turn.WaitAsync(Wait);
        Assert.True(session.IsPaused);
        await server.WaitForEventAsync(callId, "escalation.cancelled", Wait);
    }

    [Fact]
    public async Task A_supervisor_s_guidance_reaches_the_next_model_request_as_an_instruction_not_as_the_caller_s_words()
    {
        var script = new ScriptedModel(ChatReply.Say("Happy to help with that."), ChatReply.Say("A cut is 55 dollars, and as a regular you get 10% off."));
        await using var model = await OpenAiCompatibleDouble.StartAsync(script.Respond);
        var output = new RecordingOutput();
        var callId = NewCallId("AG_guide");
        await using var session = NewRuntime("salon", Llm(model)).OpenSession(new SwitchboardCallLink(_client.OpenCall(callId)), output);
        await session.StartAsync(Details(callId), "caller", CancellationToken.None);
        await session.CallerSaysAsync("I want to book a cut.", CancellationToken.None);

        await server.ActAsync(callId, "guide", new { text = "Offer the 10% loyalty discount." });
        await server.WaitForEventAsync(callId, "command.acked", Wait);
        await session.CallerSaysAsync("How much is it?", CancellationToken.None);

        var next = model.Requests[1];
        var guidance = Assert.Single(next.Messages, m => m.Content?.Contains("Offer the 10% loyalty discount.", StringComparison.Ordinal) == true);
        Assert.Equal("system", guidance.Role);
        Assert.Contains("not from the caller", guidance.Content, StringComparison.Ordinal);
        Assert.Equal("How much is it?", next.LastUserText);
        Assert.DoesNotContain(model.Requests[0].Messages, m => m.Content?.Contains("loyalty", StringComparison.Ordinal) == true);
        await output.WaitForAsync("10% off", Wait);
    }

    [Fact]
    public async Task A_take_over_stops_the_reply_being_generated_and_the_agent_only_listens_until_the_hand_back()
    {
        var script = new ScriptedModel(
            ChatReply.Say("This reply is cut off by the take-over.") with { FirstTokenDelay = TimeSpan.FromSeconds(4) },
            ChatReply.Say("Welcome back. I'll send the confirmation for Saturday at ten."));
        await using var model = await OpenAiCompatibleDouble.StartAsync(script.Respond);
        var output = new RecordingOutput();
        var callId = NewCallId("AG_takeover");
        await using var session = NewRuntime("salon", Llm(model)).OpenSession(new SwitchboardCallLink(_client.OpenCall(callId)), output);
        await session.StartAsync(Details(callId), "caller", CancellationToken.None);

        var turn = session.CallerSaysAsync("Can I book Saturday morning?", CancellationToken.None);
        await Eventually(() => model.Requests.Count == 1, "the model was asked");
        await server.ActAsync(callId, "takeover");
        await turn.WaitAsync(Wait);
        Assert.True(session.IsPaused);
        await output.WaitForAsync("[A supervisor has taken over the call.]", Wait);

        await session.CallerSaysAsync("Hello? Is anyone there?", CancellationToken.None);
        await server.ActAsync(callId, "say", new { text = "Hi, this is Sam, the manager. Saturday at ten is free." });
        await output.WaitForAsync("supervisor> Hi, this is Sam, the manager.", Wait);
        Assert.Single(model.Requests);

        await server.ActAsync(callId, "handback", new { note = "booked Saturday 10:00" });
        await output.WaitForAsync("[The supervisor handed the call back to the agent.]", Wait);
        Assert.False(session.IsPaused);
        await session.CallerSaysAsync("Great, will I get a text?", CancellationToken.None);

        await output.WaitForAsync("Welcome back.", Wait);
        Assert.DoesNotContain(output.Lines, l => l.Contains("cut off by the take-over", StringComparison.Ordinal));
        var after = model.Requests[1];
        Assert.Contains("booked Saturday 10:00", after.SystemText, StringComparison.Ordinal);
        Assert.Contains(after.Messages, m => m.Role == "user" && m.Content == "Hello? Is anyone there?");
        Assert.Contains(after.Messages, m => m.Role == "assistant" && m.Content!.StartsWith("Hi, this is Sam", StringComparison.Ordinal));
        await server.WaitForEventAsync(callId, "control.handback", Wait);
        await server.WaitForEventAsync(callId, "transcript.final", Wait, d => d.GetProperty("speaker").GetString() == "customer" && d.GetProperty("text").GetString() == "Hello? Is anyone there?");
    }

    [Fact]
    public async Task The_interviewer_asks_its_plan_and_records_a_scorecard_whose_evidence_is_the_candidate_s_own_words()
    {
        const string Scorecard = """
            {"criteria":[
              {"id":"communication","score":4,"evidence":["I apologised and got the refund approved the same day"]},
              {"id":"empathy","score":5,"evidence":["A customer was furious about a double charge","I always put customers first"]},
              {"id":"experience","score":3,"evidence":["two years at a phone shop"]},
              {"id":"availability","score":4,"evidence":["Evenings and weekends"]}],
             "summary":"Clear and calm; relevant retail support experience.","recommendation":"advance"}
            """;
        var script = new ScriptedModel(
            ChatReply.Say("Tell me about your experience helping customers."),
            ChatReply.Say("Can you give me one specific situation?"),
            ChatReply.Say("Which shifts can you work, and when could you start?"),
            ChatReply.Call(AgentTools.FinishInterview, new { }),
            ChatReply.Say("Thank you, that's all my questions. We'll be in touch within a week."),
            ChatReply.Say(Scorecard));
        await using var model = await OpenAiCompatibleDouble.StartAsync(script.Respond);
        var output = new RecordingOutput();
        var callId = NewCallId("AG_interview");
        await using var session = NewRuntime("interviewer", Llm(model)).OpenSession(new SwitchboardCallLink(_client.OpenCall(callId)), output);
        await session.StartAsync(Details(callId), "candidate", CancellationToken.None);
        foreach (var answer in new[]
        {
            "Yes, let's begin.",
            "I worked two years at a phone shop.",
            "A customer was furious about a double charge. I apologised and got the refund approved the same day.",
            "Evenings and weekends, and I can start next month.",
        })
        {
            await session.CallerSaysAsync(answer, CancellationToken.None);
        }

        Assert.Equal(CallEndReason.Completed, await session.Ended.WaitAsync(Wait));
        Assert.Contains("[experience] Tell me about your experience helping customers.", model.Requests[0].SystemText, StringComparison.Ordinal);
        Assert.Contains("response_format", model.Requests[^1].RawJson, StringComparison.Ordinal);
        var card = session.Scorecard!;
        Assert.Equal((77.1, "advance", 1), (card.Overall, card.Recommendation, card.QuotesDropped));
        Assert.Equal(["A customer was furious about a double charge"], card.Criteria.Single(c => c.Id == "empathy").Evidence);

        var recorded = (await server.WaitForEventAsync(callId, InterviewScorecard.EventType, Wait)).GetProperty("data");
        Assert.Equal(77.1, recorded.GetProperty("overall").GetDouble());
        Assert.Equal(4, recorded.GetProperty("criteria").GetArrayLength());
        var ended = await server.WaitForEventAsync(callId, "call.ended", Wait);
        Assert.Equal("completed", ended.GetProperty("data").GetProperty("reason").GetString());
        await output.WaitForAsync("We'll be in touch within a week.", Wait);
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not within {Wait}: {what}");
            }
        }
    }
}
