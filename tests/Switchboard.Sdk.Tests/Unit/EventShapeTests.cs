using System.Buffers;
using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Sdk.Internal;
using Switchboard.Sdk.Tests.Infrastructure;

namespace Switchboard.Sdk.Tests.Unit;

public sealed class EventShapeTests : IAsyncLifetime
{
    private readonly SwitchboardClient _client = OfflineClient.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public void Every_event_the_sdk_writes_passes_the_servers_validation()
    {
        using var call = _client.OpenCall("SIM_shape");
        var at = DateTimeOffset.UtcNow.UtcTicks;
        var now = DateTimeOffset.UtcNow;
        QueuedEvent[] events =
        [
            new CallStartedEvent(call, at, new CallDetails { RoomName = "r", AgentName = "a", Direction = CallDirection.Inbound, CallerNumber = "+1555", MetadataJson = "{\"k\":1}" }),
            new TranscriptEvent(call, at, final: false, Speaker.Customer, "seg-1", "hello", null, null, null),
            new TranscriptEvent(call, at, final: true, Speaker.Agent, "seg-2", "hi there", now.AddSeconds(-2), now, "en"),
            new StateEvent(call, at, AgentState.Thinking),
            new HandoffEvent(call, at, "greeter", "billing", "wants a refund"),
            new ToolCalledEvent(call, at, "tc-1", "lookup", "{\"q\":\"hours\"}"),
            new ToolCalledEvent(call, at, "tc-2", "lookup", "not json"),
            new ToolResultEvent(call, at, "tc-1", "lookup", ok: true, "{\"open\":\"9-5\"}", null, 120.5),
            new ToolResultEvent(call, at, "tc-2", "lookup", ok: false, null, "timeout", 3000),
            new MetricsEvent(call, at, new TurnMetrics { TurnId = "t1", EndOfUtteranceMs = 500, SttMs = 120, LlmTtftMs = 400, LlmTotalMs = 900, TtsTtfbMs = 180, E2eMs = 1100, PromptTokens = 900, CompletionTokens = 40, Model = "m" }),
            new DebugEvent(call, at, "prompt built", "prompt"),
            new HeartbeatEvent(call, at),
            new ParticipantEvent(call, at, joined: true, "caller-1", Speaker.Customer, "sip", "Ann"),
            new ParticipantEvent(call, at, joined: false, "caller-1", Speaker.Customer, null, null),
            new EscalationEvent(call, at, requested: true, "esc-1", "Can we waive the fee?", "billing", "customer since 2019", 30_000, null),
            new EscalationEvent(call, at, requested: false, "esc-1", null, null, null, null, "timeout"),
            new TransferEvent(call, at, completed: true, "+15550100", "cold", null),
            new CommandAckedEvent(call, at, "cmd-1", null),
            new CustomEvent(call, at, "x-crm.lookup", new { customerId = 42, tier = "gold" }),
            new CallEndedEvent(call, at, CallEndReason.CallerHangup, "hung up"),
        ];

        var buffer = new ArrayBufferWriter<byte>();
        var number = 0;
        foreach (var e in events)
        {
            e.Number = ++number;
            var envelope = JsonSerializer.Deserialize<EventEnvelope>(e.Serialize(buffer), ContractJson.Options)!;
            var errors = EventValidator.Validate([envelope], fromAgent: true);
            Assert.True(errors.Count == 0, $"{e.Type}: {string.Join("; ", errors.Select(x => $"{x.Field} {x.Message}"))}");
            Assert.Equal(e.Type, envelope.Type);
            Assert.Equal("SIM_shape", envelope.CallId);
        }
    }

    [Fact]
    public void A_resent_event_carries_the_same_id_and_bytes()
    {
        using var call = _client.OpenCall("SIM_resend");
        var e = new StateEvent(call, DateTimeOffset.UtcNow.UtcTicks, AgentState.Listening) { Number = 7 };
        var first = e.Serialize(new ArrayBufferWriter<byte>());
        var second = e.Serialize(new ArrayBufferWriter<byte>());
        Assert.Same(first, second);
        Assert.EndsWith("-7", JsonSerializer.Deserialize<EventEnvelope>(first, ContractJson.Options)!.Id);
    }

    [Fact]
    public void Command_acknowledgements_have_a_stable_id()
    {
        using var call = _client.OpenCall("SIM_ack");
        var a = new CommandAckedEvent(call, 1, "cmd-9", null) { Number = 1 }.Serialize(new ArrayBufferWriter<byte>());
        var b = new CommandAckedEvent(call, 2, "cmd-9", null) { Number = 2 }.Serialize(new ArrayBufferWriter<byte>());
        Assert.Equal("ack-cmd-9", JsonSerializer.Deserialize<EventEnvelope>(a, ContractJson.Options)!.Id);
        Assert.Equal("ack-cmd-9", JsonSerializer.Deserialize<EventEnvelope>(b, ContractJson.Options)!.Id);
    }

    [Fact]
    public void Invalid_options_are_all_reported_at_once()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SwitchboardClient(new SwitchboardClientOptions { MaxBatchEvents = 5000, HeartbeatInterval = TimeSpan.Zero }));
        Assert.Contains("ServerUrl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ApiKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBatchEvents", ex.Message, StringComparison.Ordinal);
        Assert.Contains("HeartbeatInterval", ex.Message, StringComparison.Ordinal);
    }
}
