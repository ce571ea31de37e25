using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Archive;

/// <summary>The call archive (<c>Archive</c> section).</summary>
public sealed class ArchiveOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Archive";

    /// <summary>Summarise calls as they end.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A silence between two speech segments longer than this counts as dead air (all of it).</summary>
    [Range(0.5, 600)]
    public double DeadAirSeconds { get; set; } = 3;

    /// <summary>What calls cost.</summary>
    public PriceTable Prices { get; set; } = new();
}

/// <summary>
/// Prices per unit, in one currency of your choice. LLM tokens per model per 1,000 (a model not
/// listed costs nothing and is named in the summary's figures); speech-to-text per minute of the
/// customer's speech; text-to-speech per minute of the agent's speech; telephony per minute of
/// handle time for calls with a caller number.
/// </summary>
public sealed class PriceTable
{
    /// <summary>Per model: prompt and completion price per 1,000 tokens.</summary>
    public Dictionary<string, ModelPrice> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Speech-to-text, per minute of customer speech.</summary>
    [Range(0, 1000)]
    public double SttPerMinute { get; set; }

    /// <summary>Text-to-speech, per minute of agent speech.</summary>
    [Range(0, 1000)]
    public double TtsPerMinute { get; set; }

    /// <summary>Telephony, per minute of handle time of a call with a caller number.</summary>
    [Range(0, 1000)]
    public double TelephonyPerMinute { get; set; }
}

/// <summary>A model's token prices per 1,000 tokens.</summary>
public sealed class ModelPrice
{
    /// <summary>Per 1,000 prompt tokens.</summary>
    [Range(0, 1000)]
    public double PromptPer1K { get; set; }

    /// <summary>Per 1,000 completion tokens.</summary>
    [Range(0, 1000)]
    public double CompletionPer1K { get; set; }
}
