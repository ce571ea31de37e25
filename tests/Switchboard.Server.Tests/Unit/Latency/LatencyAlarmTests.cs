using Switchboard.Server.Latency;

namespace Switchboard.Server.Tests.Unit.Latency;

/// <summary>The fleet's alert per stage: raised once on crossing, cleared at 90 % of the budget.</summary>
public class LatencyAlarmTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static StageReading Llm(int turns, double? p95) => new("llmFirstToken", 800, turns, p95, p95 > 800);

    private static List<(string, bool)> Changes(LatencyAlarm alarm, StageReading reading, int second) =>
        [.. alarm.Next([reading], T0.AddSeconds(second)).Select(c => (c.Reading.Stage, c.Raised))];

    [Fact]
    public void The_alert_is_raised_once_when_the_p95_crosses_the_budget_with_20_turns()
    {
        var alarm = new LatencyAlarm();
        Assert.Empty(Changes(alarm, Llm(19, 926.1), 0));
        Assert.Empty(Changes(alarm, Llm(20, 800), 1));

        Assert.Equal([("llmFirstToken", true)], Changes(alarm, Llm(20, 926.1), 2));
        Assert.Empty(Changes(alarm, Llm(40, 1000), 3));
        Assert.Equal(T0.AddSeconds(2), alarm.AlertingSince("llmFirstToken"));
        Assert.Null(alarm.AlertingSince("stt"));
    }

    [Fact]
    public void A_raised_alert_stands_until_the_p95_is_at_90_percent_of_the_budget_and_is_raised_again_after()
    {
        var alarm = new LatencyAlarm();
        Changes(alarm, Llm(20, 840), 0);

        // Back under the budget, but not by 10 %: no flapping.
        Assert.Empty(Changes(alarm, Llm(20, 762), 1));
        Assert.Empty(Changes(alarm, Llm(20, 840), 2));
        Assert.Empty(Changes(alarm, Llm(20, 725.7), 3));
        Assert.Equal(T0, alarm.AlertingSince("llmFirstToken"));

        Assert.Equal([("llmFirstToken", false)], Changes(alarm, Llm(20, 720), 4));
        Assert.Null(alarm.AlertingSince("llmFirstToken"));
        Assert.Empty(Changes(alarm, Llm(20, 762), 5));
        Assert.Equal([("llmFirstToken", true)], Changes(alarm, Llm(20, 840), 6));
        Assert.Equal(T0.AddSeconds(6), alarm.AlertingSince("llmFirstToken"));
    }

    [Fact]
    public void A_raised_alert_stands_with_few_turns_and_clears_when_the_window_is_empty()
    {
        var alarm = new LatencyAlarm();
        Changes(alarm, Llm(25, 926.1), 0);

        Assert.Empty(Changes(alarm, Llm(3, 926.1), 1));
        Assert.Equal([("llmFirstToken", false)], Changes(alarm, Llm(0, null), 2));
    }

    [Fact]
    public void Each_stage_has_its_own_alert()
    {
        var alarm = new LatencyAlarm();
        var changes = alarm.Next([Llm(20, 926.1), new StageReading("stt", 500, 20, 420, false)], T0);

        Assert.Equal(["llmFirstToken"], changes.Select(c => c.Reading.Stage));
        Assert.Null(alarm.AlertingSince("stt"));
    }
}
