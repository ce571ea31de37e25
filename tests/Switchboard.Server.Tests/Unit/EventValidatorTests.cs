using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Unit;

public class EventValidatorTests
{
    private static EventEnvelope Parse(System.Text.Json.Nodes.JsonObject node) =>
        node.Deserialize<EventEnvelope>(ContractJson.Options)!;

    private static List<EventError> Validate(bool fromAgent, params System.Text.Json.Nodes.JsonObject[] events) =>
        EventValidator.Validate(events.Select(Parse).ToList(), fromAgent);

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null)]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "must be a W3C traceparent")]
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "must be a W3C traceparent")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "must be a W3C traceparent")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01", "must not have an all-zero trace id or span id")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "must not have an all-zero trace id or span id")]
    public void A_traceparent_must_be_w3c_version_00(string traceparent, string? problem)
    {
        var node = Events.Line("C1", "e1", "traced");
        node["traceparent"] = traceparent;
        var errors = Validate(true, node);
        if (problem is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            var error = Assert.Single(errors);
            Assert.Equal("traceparent", error.Field);
            Assert.StartsWith(problem, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_complete_final_transcript_is_valid()
    {
        Assert.Empty(Validate(true, Events.Line("C1", "e1", "hello")));
    }

    [Fact]
    public void Missing_fields_are_named_with_the_event_index_and_id()
    {
        var bad = Events.Make("C1", "e2", EventTypes.TranscriptFinal, new { speaker = "customer" });
        var errors = Validate(true, Events.Line("C1", "e1", "fine"), bad);
        Assert.All(errors, e => Assert.Equal(1, e.Index));
        Assert.All(errors, e => Assert.Equal("e2", e.EventId));
        Assert.Contains(errors, e => e.Field == "data.text" && e.Message == "is required");
        Assert.Contains(errors, e => e.Field == "data.segmentId");
    }

    [Fact]
    public void Envelope_fields_are_required()
    {
        var node = Events.Line("C1", "e1", "x");
        node.Remove("callId");
        node.Remove("at");
        var errors = Validate(true, node);
        Assert.Contains(errors, e => e.Field == "callId");
        Assert.Contains(errors, e => e.Field == "at");
    }

    [Fact]
    public void Unknown_types_are_refused_with_the_custom_prefix_rule()
    {
        var errors = Validate(true, Events.Make("C1", "e1", "transcript.weird"));
        var error = Assert.Single(errors);
        Assert.Equal("type", error.Field);
        Assert.Contains("x-", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_types_carry_any_object_and_are_durable()
    {
        Assert.Empty(Validate(true, Events.Make("C1", "e1", "x-crm.lookup", new { anything = new[] { 1, 2 }, nested = new { ok = true } })));
        Assert.True(EventCatalog.IsDurable("x-crm.lookup"));
        Assert.NotEmpty(Validate(true, Events.Make("C1", "e1", "x-")));
    }

    [Fact]
    public void Server_only_types_are_refused_from_agents_but_accepted_from_the_server()
    {
        var guidance = Events.Make("C1", "g1", EventTypes.SupervisorGuidance, new { commandId = "c1", text = "offer a refund", by = "ann" });
        Assert.Contains(Validate(true, guidance), e => e.Field == "type" && e.Message.Contains("server only", StringComparison.Ordinal));
        Assert.Empty(Validate(false, guidance));
    }

    [Fact]
    public void A_wrong_JSON_type_names_the_field()
    {
        var bad = Events.Make("C1", "t1", EventTypes.ToolResult, new { toolCallId = "x", name = "book", ok = "yes" });
        var error = Assert.Single(Validate(true, bad));
        Assert.Equal("data.ok", error.Field);
    }

    [Fact]
    public void Text_over_the_limit_is_refused_with_the_limit_in_the_message()
    {
        var errors = Validate(true, Events.Line("C1", "e1", new string('a', Limits.LongText + 1)));
        var error = Assert.Single(errors);
        Assert.Equal("data.text", error.Field);
        Assert.Contains(Limits.LongText.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enumerations_list_the_allowed_values()
    {
        var error = Assert.Single(Validate(true, Events.Make("C1", "s1", EventTypes.AgentState, new { state = "dreaming" })));
        Assert.Equal("data.state", error.Field);
        Assert.Contains("listening", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_known_type_has_a_payload_record()
    {
        Assert.All(EventCatalog.All, k => Assert.NotNull(k.DataType));
        Assert.Equal(3, EventCatalog.All.Count(k => !k.Durable));
    }
}
