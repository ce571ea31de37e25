using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Supervision;

namespace Switchboard.Server.Tests.Unit;

public sealed class TakeoverSummaryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_summary_names_the_holder_the_duration_and_every_line_in_order()
    {
        var summary = TakeoverSummary.Build("alice", T0, T0.AddSeconds(95), [Line(1, "supervisor", "Hello, I'm Alice."), Line(2, "customer", "Hi Alice."), Other(3)], "Refund issued.");
        Assert.Equal("Supervisor alice handled the call for 95 s. What was said meanwhile:\nsupervisor: Hello, I'm Alice.\ncustomer: Hi Alice.\nNote from the supervisor: Refund issued.", summary);
    }

    [Fact]
    public void Silence_is_said_plainly() =>
        Assert.Equal("Supervisor bob handled the call for 3 s. Nothing was said meanwhile.", TakeoverSummary.Build("bob", T0, T0.AddSeconds(3), [], null));

    [Fact]
    public void A_long_take_over_keeps_the_latest_words_within_the_event_limit()
    {
        var lines = Enumerable.Range(1, 400).Select(i => Line(i, "customer", $"sentence number {i} of a very long conversation")).ToList();
        var summary = TakeoverSummary.Build("alice", T0, T0.AddMinutes(20), lines, "the note");
        Assert.Equal(Limits.LongText, summary.Length);
        Assert.EndsWith("Note from the supervisor: the note", summary, StringComparison.Ordinal);
        Assert.Contains("sentence number 400 ", summary, StringComparison.Ordinal);
    }

    private static StoredEvent Line(long seq, string speaker, string text) =>
        new("CALL", seq, "e" + seq, EventTypes.TranscriptFinal, T0, T0, JsonSerializer.SerializeToElement(new { speaker, text, segmentId = "s" + seq }));

    private static StoredEvent Other(long seq) =>
        new("CALL", seq, "e" + seq, EventTypes.AgentState, T0, T0, JsonSerializer.SerializeToElement(new { state = "listening" }));
}
