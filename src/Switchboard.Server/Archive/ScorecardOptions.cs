using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Archive;

/// <summary>
/// The scorecard every ended call is scored against (<c>Scorecards</c> section): its name and
/// version, when a call is flagged for review, and the settings of its rules. Raising
/// <see cref="Version"/> scores calls again as they are archived; a call is scored once per version.
/// </summary>
public sealed class ScorecardOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Scorecards";

    /// <summary>Score calls as they are archived.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The scorecard's name.</summary>
    [Required]
    [StringLength(64, MinimumLength = 1)]
    public string Name { get; set; } = "default";

    /// <summary>Its version.</summary>
    [Range(1, int.MaxValue)]
    public int Version { get; set; } = 1;

    /// <summary>A call scored below this (0 … 100) is flagged for review, as is one that fails a critical criterion.</summary>
    [Range(0, 100)]
    public double FlagBelow { get; set; } = 70;

    /// <summary>The latency budget per stage, met when the call's p95 of the stage is within it.</summary>
    public LatencyBudget Budget { get; set; } = new();

    /// <summary>The longest silence between speech that passes "no dead air".</summary>
    [Range(0.5, 600)]
    public double MaxDeadAirSeconds { get; set; } = 5;

    /// <summary>Every escalation must be answered within this.</summary>
    [Range(1, 3600)]
    public double EscalationAnswerSeconds { get; set; } = 60;

    /// <summary>Words or phrases one of which the agent's first turn must contain.</summary>
    public List<string> GreetingPhrases { get; set; } = ["hello", "hi", "welcome", "thank you for calling", "thanks for calling", "good morning", "good afternoon", "good evening"];

    /// <summary>A phrase the agent must say (case-insensitive); without one the criterion is not applied.</summary>
    [StringLength(500)]
    public string? RequiredDisclosure { get; set; }

    /// <summary>Per criterion id: its weight, and whether failing it flags the call whatever the score.</summary>
    public Dictionary<string, CriterionSetting> Criteria { get; set; } = new(StringComparer.Ordinal)
    {
        ["greeting"] = new() { Weight = 1 },
        ["no-dead-air"] = new() { Weight = 1 },
        ["latency-budget"] = new() { Weight = 2 },
        ["escalation-answered"] = new() { Weight = 1 },
        ["disclosure"] = new() { Weight = 2, Critical = true },
        ["ending-sentiment"] = new() { Weight = 1 },
    };

    /// <summary>The model that judges <see cref="Judges"/>.</summary>
    public JudgeOptions Judge { get; set; } = new();

    /// <summary>Per criterion id: a criterion judged by the model from the call's transcript (none by default).</summary>
    public Dictionary<string, JudgeCriterion> Judges { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A criterion's weight and whether it is critical.</summary>
public sealed class CriterionSetting
{
    /// <summary>Its share of the score; 0 leaves it out.</summary>
    [Range(0, 100)]
    public double Weight { get; set; } = 1;

    /// <summary>Failing it flags the call whatever the score.</summary>
    public bool Critical { get; set; }
}

/// <summary>The latency budget, in milliseconds, per stage (the defaults are the issue's).</summary>
public sealed class LatencyBudget
{
    /// <summary>The stages a budget covers, in the order they are shown, and the <c>metrics.turn</c> field each is read from.</summary>
    public static readonly IReadOnlyList<(string Stage, string Field)> Stages =
    [
        ("stt", "sttMs"),
        ("llmFirstToken", "llmTtftMs"),
        ("ttsFirstByte", "ttsTtfbMs"),
        ("endToEnd", "e2eMs"),
    ];

    /// <summary>Speech to text.</summary>
    [Range(1, 60_000)]
    public double SttMs { get; set; } = 500;

    /// <summary>The LLM's first token.</summary>
    [Range(1, 60_000)]
    public double LlmFirstTokenMs { get; set; } = 800;

    /// <summary>Text to speech's first byte.</summary>
    [Range(1, 60_000)]
    public double TtsFirstByteMs { get; set; } = 300;

    /// <summary>End of the caller's turn to the agent's first audio.</summary>
    [Range(1, 60_000)]
    public double EndToEndMs { get; set; } = 2000;

    /// <summary>The budget by the summary's stage names.</summary>
    public IReadOnlyDictionary<string, double> ByStage() => Stages.ToDictionary(s => s.Stage, s => Of(s.Stage), StringComparer.Ordinal);

    /// <summary>The budget of one of <see cref="Stages"/>.</summary>
    public double Of(string stage) => stage switch
    {
        "stt" => SttMs,
        "llmFirstToken" => LlmFirstTokenMs,
        "ttsFirstByte" => TtsFirstByteMs,
        "endToEnd" => EndToEndMs,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Not a stage of the latency budget."),
    };
}
