using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Insights;

/// <summary>Configuration section <c>Insights</c>: sentiment model and attention score.</summary>
public sealed class InsightsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Insights";

    /// <summary>Score customer utterances and the attention of calls (on by default).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Events the analyzer may fall behind live before it reads what it has not handled from the log instead.</summary>
    [Range(64, 1_000_000)]
    public int BufferCapacity { get; set; } = 65_536;

    /// <summary>Optional classifier through an OpenAI-compatible chat-completions endpoint (off by default).</summary>
    public LlmClassifierOptions Llm { get; set; } = new();

    /// <summary>Optional local transformer model run by ONNX Runtime (off by default).</summary>
    public OnnxClassifierOptions Onnx { get; set; } = new();

    /// <summary>An attention score at or above this raises <c>alert.raised</c> (once per crossing).</summary>
    [Range(1, 100)]
    public double AlertThreshold { get; set; } = 60;

    /// <summary>After an alert, the score must fall this far below the threshold before another can be raised.</summary>
    [Range(0, 99)]
    public double AlertHysteresis { get; set; } = 10;

    /// <summary>How often the attention of every active call is re-evaluated (for silences and holds).</summary>
    [Range(0.05, 60)]
    public double ReevaluateSeconds { get; set; } = 1;

    /// <summary>No speech for this long while the caller is not on hold counts as a long silence.</summary>
    [Range(1, 3600)]
    public double SilenceSeconds { get; set; } = 8;
}
