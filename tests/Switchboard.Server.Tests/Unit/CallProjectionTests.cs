using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Unit;

public class CallProjectionTests
{
    private static long s_seq;

    private static StoredEvent Stored(System.Text.Json.Nodes.JsonObject node) => Events.Stored(node, ++s_seq);

    [Fact]
    public void A_call_folds_into_its_live_state()
    {
        var state = CallProjection.Fold(
        [
            Stored(Events.Started("C1")),
            Stored(Events.Make("C1", "p1", EventTypes.ParticipantJoined, new { identity = "caller-1", role = "customer", kind = "SIP" })),
            Stored(Events.Make("C1", "s1", EventTypes.AgentState, new { state = "speaking" })),
            Stored(Events.Line("C1", "l1", "I want to book a haircut")),
            Stored(Events.Make("C1", "h1", EventTypes.AgentHandoff, new { from = "greeter", to = "sales" })),
            Stored(Events.Make("C1", "m1", EventTypes.MetricsTurn, new { e2eMs = 950.5 })),
            Stored(Events.Make("C1", "t1", EventTypes.ToolResult, new { toolCallId = "x", name = "book", ok = false, error = "calendar down" })),
        ])!;

        Assert.Equal("active", state.Status);
        Assert.Equal("salon", state.AgentName);
        Assert.Equal("sales", state.Persona);
        Assert.Equal("speaking", state.AgentState);
        Assert.Equal("customer", state.Participants["caller-1"].Role);
        Assert.Equal("I want to book a haircut", state.RecentTranscript[^1].Text);
        Assert.Equal(950.5, state.LastE2eMs);
        Assert.Equal(1, state.ToolErrors);
        Assert.Equal("+15550100", state.Caller!.Number);
    }

    [Fact]
    public void The_recent_transcript_keeps_the_last_lines_only()
    {
        var events = new List<StoredEvent> { Stored(Events.Started("C2")) };
        for (var i = 0; i < 30; i++)
        {
            events.Add(Stored(Events.Line("C2", "l" + i, "line " + i)));
        }

        var state = CallProjection.Fold(events)!;
        Assert.Equal(CallProjection.RecentLines, state.RecentTranscript.Count);
        Assert.Equal("line 29", state.RecentTranscript[^1].Text);
        Assert.Equal("line 10", state.RecentTranscript[0].Text);
    }

    [Fact]
    public void An_escalation_is_open_until_answered_and_guidance_shows_applied_once_acknowledged()
    {
        var state = CallProjection.Fold(
        [
            Stored(Events.Started("C3")),
            Stored(Events.Make("C3", "x1", EventTypes.EscalationRequested, new { requestId = "r1", question = "Can I bring my dog?", topic = "policy" })),
            Stored(Events.Make("C3", "g1", EventTypes.SupervisorGuidance, new { commandId = "cmd-1", text = "be brief", by = "ann" })),
        ])!;
        Assert.Equal("Can I bring my dog?", state.OpenEscalation!.Question);
        Assert.False(Assert.Single(state.Commands).Applied);

        state = CallProjection.Apply(state, Stored(Events.Make("C3", "a1", EventTypes.CommandAcked, new { commandId = "cmd-1" })));
        state = CallProjection.Apply(state, Stored(Events.Make("C3", "x2", EventTypes.EscalationAnswered, new { requestId = "r1", answer = "yes", by = "ann" })));
        Assert.True(Assert.Single(state.Commands).Applied);
        Assert.Null(state.OpenEscalation);
    }

    [Fact]
    public void An_ended_call_stays_ended_with_its_first_reason()
    {
        var state = CallProjection.Fold(
        [
            Stored(Events.Started("C4")),
            Stored(Events.Ended("C4", "e1", "caller_hangup")),
            Stored(Events.Ended("C4", "e2", "agent_error")),
        ])!;
        Assert.Equal("ended", state.Status);
        Assert.Equal("caller_hangup", state.EndReason);
    }

    [Fact]
    public void Ephemeral_events_do_not_change_the_state()
    {
        var state = CallProjection.Fold([Stored(Events.Started("C5"))])!;
        var interim = Events.Make("C5", "i1", EventTypes.TranscriptInterim, new { speaker = "customer", segmentId = "s", text = "hel" })
            .Deserialize<EventEnvelope>(ContractJson.Options)!;
        var after = CallProjection.Apply(state, new StoredEvent("C5", 0, "i1", interim.Type!, interim.At!.Value, interim.At.Value, interim.Data));
        Assert.Same(state, after);
    }
}
