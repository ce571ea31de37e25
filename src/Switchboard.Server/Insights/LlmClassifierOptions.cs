using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Insights;

/// <summary>Configuration section <c>Insights:Llm</c>: sentiment by an OpenAI-compatible model.</summary>
public sealed class LlmClassifierOptions
{
    /// <summary>Use the model instead of VADER (VADER still answers when it times out or fails).</summary>
    public bool Enabled { get; set; }

    /// <summary>Base URL of the API, for example <c>https://api.openai.com/v1</c> or a local server's <c>/v1</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The model name.</summary>
    public string? Model { get; set; }

    /// <summary>The API key (servers that need none accept any).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Longest wait for an answer before VADER's score is used.</summary>
    [Range(10, 60_000)]
    public int TimeoutMilliseconds { get; set; } = 300;

    /// <summary>Most requests in flight at once; utterances beyond it are scored by VADER.</summary>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 32;
}
