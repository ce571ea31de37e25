namespace Switchboard.Agents.Runtime;

/// <summary>
/// The model an agent thinks with: any OpenAI-compatible chat-completions endpoint (OpenAI,
/// Gemini's compatible endpoint, vLLM, Ollama), an optional fallback model, and the reliability
/// settings around both (docs/AGENTS.md).
/// </summary>
public sealed record LlmOptions
{
    /// <summary>The endpoint's base address, for example <c>https://api.openai.com/v1/</c> or <c>http://localhost:11434/v1/</c>.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>The API key; many self-hosted servers accept any.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The model, for example <c>gpt-4o-mini</c> or <c>qwen2.5:7b-instruct</c>.</summary>
    public string Model { get; init; } = "";

    /// <summary>Used when the first model fails or its circuit is open; none when empty.</summary>
    public string? FallbackModel { get; init; }

    /// <summary>The fallback model's endpoint; <see cref="BaseUrl"/> when null.</summary>
    public Uri? FallbackBaseUrl { get; init; }

    /// <summary>The fallback endpoint's key; <see cref="ApiKey"/> when null.</summary>
    public string? FallbackApiKey { get; init; }

    /// <summary>Sampling temperature; the endpoint's default when null.</summary>
    public float? Temperature { get; init; }

    /// <summary>How long one attempt may wait for its first token before it counts as failed.</summary>
    public TimeSpan FirstTokenTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a whole reply may take once it streams.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries per model after the first attempt (with exponential backoff and jitter).</summary>
    public int Retries { get; init; } = 2;

    /// <summary>The first retry's delay; each next one doubles.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Failures in <see cref="BreakerWindow"/> after which an endpoint's circuit opens.</summary>
    public int BreakerFailures { get; init; } = 5;

    /// <summary>The window in which failures are counted.</summary>
    public TimeSpan BreakerWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit stays open before one trial request.</summary>
    public TimeSpan BreakerDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>True when an endpoint and model are given.</summary>
    public bool IsConfigured => BaseUrl is not null && !string.IsNullOrWhiteSpace(Model);

    /// <summary>Every problem of these options; empty when they can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || BaseUrl.Scheme is not ("http" or "https"))
        {
            problems.Add("The LLM's base URL is required and must be an absolute http(s) address (--llm-url, or LLM_BASE_URL).");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            problems.Add("The model is required (--model, or LLM_MODEL).");
        }

        if (FallbackBaseUrl is { } f && (!f.IsAbsoluteUri || f.Scheme is not ("http" or "https")))
        {
            problems.Add("The fallback base URL must be an absolute http(s) address.");
        }

        if (Retries is < 0 or > 10)
        {
            problems.Add("Retries must be between 0 and 10.");
        }

        if (FirstTokenTimeout <= TimeSpan.Zero || ReplyTimeout <= TimeSpan.Zero || RetryDelay < TimeSpan.Zero)
        {
            problems.Add("Timeouts must be positive and the retry delay not negative.");
        }

        if (BreakerFailures < 2 || BreakerWindow <= TimeSpan.Zero || BreakerDuration < TimeSpan.FromMilliseconds(500))
        {
            problems.Add("The circuit breaker needs at least 2 failures, a positive window and a break of at least 500 ms.");
        }

        return problems;
    }
}
