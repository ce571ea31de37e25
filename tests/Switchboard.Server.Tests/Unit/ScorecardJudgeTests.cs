using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Archive;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Unit;

/// <summary>The criteria a model judges, against a local chat-completions double: the answer, and every way of not getting one.</summary>
public sealed class ScorecardJudgeTests : IAsyncLifetime
{
    private const string Call = "judged";
    private const string Refund = "The agent deals with the customer's refund.";
    private const string Polite = "The agent is polite throughout.";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly IReadOnlyList<StoredEvent> Fixture = ArchiveFixture.Stored(ArchiveFixture.AgentEvents(Call));

    private ChatCompletionsDouble _model = null!;

    public async Task InitializeAsync() => _model = await ChatCompletionsDouble.StartAsync();

    public async Task DisposeAsync() => await _model.DisposeAsync();

    [Fact]
    public async Task A_passing_and_a_failing_judgment_are_weighed_into_the_score_and_the_flag()
    {
        _model.Answer = request => request.GetProperty("messages")[0].GetProperty("content").GetString()!.EndsWith(Refund, StringComparison.Ordinal)
            ? """{"passed": false, "score": 0.2, "reason": "The agent never said whether the refund was granted."}"""
            : """{"passed": true, "reason": "Courteous from start to end."}""";
        var options = Settings(refundCritical: true);
        using var judge = Judge(options);

        var judged = await judge.JudgeAsync(Fixture, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(
            [
                new CriterionResult("polite", true, "Courteous from start to end.", 1, false),
                new CriterionResult("refund", false, "The agent never said whether the refund was granted. (score 0.2)", 3, true),
            ],
            judged);
        // The rules' 4 and the polite 1 passed of 8; the failed refund is critical.
        var result = Scorecard.Score(Fixture, CallSummaryProjection.Fold(Fixture, ArchiveFixture.Options)!, options, judged);
        Assert.Equal((62.5, true), (result.Score!.Value, result.Flagged!.Value));
        Assert.Equal(2, _model.Requests.Count);
    }

    [Fact]
    public async Task The_request_carries_the_model_the_rubric_and_the_transcript_with_speakers()
    {
        _model.Content = """{"passed": true, "score": 1, "reason": "Yes."}""";
        var options = Settings();
        options.Judges.Remove("polite");
        using var judge = Judge(options);

        await judge.JudgeAsync(Fixture, CancellationToken.None).WaitAsync(Wait);

        var request = Assert.Single(_model.Requests).RootElement;
        Assert.Equal("judge-test", request.GetProperty("model").GetString());
        var messages = request.GetProperty("messages");
        Assert.Equal(("system", "user"), (messages[0].GetProperty("role").GetString(), messages[1].GetProperty("role").GetString()));
        Assert.EndsWith("The criterion:\n" + Refund, messages[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            "The transcript:\nagent: Hello, thanks for calling\ncustomer: I would like a refund for my order\nagent: Let me check that order\ncustomer: Thanks, that helps",
            messages[1].GetProperty("content").GetString());
        Assert.Equal("json_object", request.GetProperty("response_format").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_judge_slower_than_the_timeout_is_asked_again_then_the_criterion_is_not_evaluated()
    {
        _model.Delay = TimeSpan.FromMinutes(2);
        var options = Settings(timeoutMilliseconds: 1000, retries: 2, refundCritical: true);
        options.Judges.Remove("polite");
        using var judge = Judge(options);

        var judged = await judge.JudgeAsync(Fixture, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal([new CriterionResult("refund", false, "Not evaluated: the judge did not answer within 1000 ms, in 3 tries.", 0, true)], judged);
        Assert.Equal(3, _model.Requests.Count);
        // Left out of the score, and no flag for it, critical as it is.
        var result = Scorecard.Score(Fixture, CallSummaryProjection.Fold(Fixture, ArchiveFixture.Options)!, options, judged);
        Assert.Equal((100.0, false), (result.Score!.Value, result.Flagged!.Value));
    }

    [Fact]
    public async Task A_failing_judge_is_asked_again_then_the_criterion_is_not_evaluated()
    {
        _model.Status = 500;
        var options = Settings(retries: 1);
        options.Judges.Remove("polite");
        using var judge = Judge(options);

        var judged = await judge.JudgeAsync(Fixture, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal([new CriterionResult("refund", false, "Not evaluated: the judge answered HTTP 500, in 2 tries.", 0, false)], judged);
        Assert.Equal(2, _model.Requests.Count);
    }

    [Theory]
    [InlineData("the call went fine")]
    [InlineData("""{"reason": "No verdict."}""")]
    [InlineData("""{"passed": true}""")]
    [InlineData("""{"passed": "yes", "reason": "Fine."}""")]
    [InlineData("""{"passed": true, "score": 7, "reason": "Fine."}""")]
    [InlineData("""["passed", true]""")]
    public async Task An_answer_that_is_not_the_JSON_asked_for_leaves_the_criterion_not_evaluated_without_asking_again(string content)
    {
        _model.Content = content;
        var options = Settings(retries: 2);
        options.Judges.Remove("polite");
        using var judge = Judge(options);

        var judged = await judge.JudgeAsync(Fixture, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal([new CriterionResult("refund", false, """Not evaluated: the judge's answer was not the JSON asked for ({"passed", "reason"}).""", 0, false)], judged);
        Assert.Single(_model.Requests);
    }

    [Fact]
    public async Task A_call_without_a_transcript_is_not_sent_to_the_judge()
    {
        using var judge = Judge(Settings());
        var silent = ArchiveFixture.Stored(ArchiveFixture.AgentEvents(Call).Where(e => (string)e["type"]! != EventTypes.TranscriptFinal));

        var judged = await judge.JudgeAsync(silent, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(["polite:Not evaluated: the call has no final transcript.", "refund:Not evaluated: the call has no final transcript."], judged.Select(c => $"{c.Id}:{c.Detail}"));
        Assert.Empty(_model.Requests);
    }

    [Fact]
    public async Task Without_the_judge_enabled_its_criteria_are_not_applied()
    {
        var options = Settings();
        options.Judge.Enabled = false;
        using var judge = Judge(options);

        Assert.Empty(await judge.JudgeAsync(Fixture, CancellationToken.None).WaitAsync(Wait));
        Assert.Empty(_model.Requests);
    }

    [Fact]
    public void The_settings_are_checked_with_every_problem_at_once()
    {
        var options = new ScorecardOptions { Judge = new JudgeOptions { Enabled = true, BaseUrl = "localhost:8080", TimeoutMilliseconds = 10, Retries = 9 } };
        options.Judges["greeting"] = new JudgeCriterion { Rubric = "Greets." };
        options.Judges["empty"] = new JudgeCriterion { Rubric = " ", Weight = 200 };

        var result = new ScorecardOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Scorecards:Judge:BaseUrl must be an absolute http(s) URL when Scorecards:Judge:Enabled is true.",
                "Scorecards:Judge:Model is required when Scorecards:Judge:Enabled is true.",
                "Scorecards:Judge:TimeoutMilliseconds must be between 100 and 300000.",
                "Scorecards:Judge:Retries must be between 0 and 5.",
                "Scorecards:Judges:greeting has the id of a rule criterion (Scorecards:Criteria:greeting); give it another.",
                "Scorecards:Judges:empty:Rubric is required, at most 4000 characters.",
                "Scorecards:Judges:empty:Weight must be between 0 and 100.",
            ],
            result.Failures);
        Assert.True(new ScorecardOptionsValidator().Validate(null, Settings()).Succeeded);
    }

    /// <summary>The passing rules of the fixture (weights 4), and two judged criteria: polite (1) and refund (3).</summary>
    private ScorecardOptions Settings(int timeoutMilliseconds = 10_000, int retries = 0, bool refundCritical = false)
    {
        var options = ArchiveFixture.PassingScorecard;
        options.Judge = new JudgeOptions { Enabled = true, BaseUrl = _model.BaseUrl, Model = "judge-test", TimeoutMilliseconds = timeoutMilliseconds, Retries = retries };
        options.Judges["polite"] = new JudgeCriterion { Rubric = Polite, Weight = 1 };
        options.Judges["refund"] = new JudgeCriterion { Rubric = Refund, Weight = 3, Critical = refundCritical };
        return options;
    }

    private static ScorecardJudge Judge(ScorecardOptions options) =>
        new(Options.Create(options), NullLogger<ScorecardJudge>.Instance);
}
