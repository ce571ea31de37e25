namespace Switchboard.Agents.Speech;

/// <summary>Where and how to reach an OpenAI-compatible speech service (<c>/audio/transcriptions</c>, <c>/audio/speech</c>).</summary>
public sealed record SpeechOptions
{
    private static readonly string[] Formats = ["mp3", "opus", "aac", "flac", "wav", "pcm"];

    /// <summary>The API's base address, ending in <c>/v1/</c> for most servers.</summary>
    public Uri BaseUrl { get; init; } = new("https://api.openai.com/v1/");

    /// <summary>The bearer key; any non-empty value for a server that does not check keys.</summary>
    public string ApiKey { get; init; } = "";

    /// <summary>The transcription model.</summary>
    public string SttModel { get; init; } = "whisper-1";

    /// <summary>The speech model.</summary>
    public string TtsModel { get; init; } = "tts-1";

    /// <summary>The voice speech is generated in.</summary>
    public string Voice { get; init; } = "alloy";

    /// <summary>The generated audio's format: mp3, opus, aac, flac, wav or pcm.</summary>
    public string ResponseFormat { get; init; } = "wav";

    /// <summary>How long one request may take before it fails.</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a request that failed with 408, 429, 5xx or a network error is sent again.</summary>
    public int MaxRetries { get; init; } = 1;

    /// <summary>Throws an <see cref="ArgumentException"/> that lists every problem with these options.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || BaseUrl.Scheme is not ("http" or "https"))
        {
            problems.Add($"{nameof(BaseUrl)} must be an absolute http or https address (got '{BaseUrl}').");
        }

        Require(problems, nameof(ApiKey), ApiKey, "; any non-empty value for a server that does not check keys");
        Require(problems, nameof(SttModel), SttModel, "");
        Require(problems, nameof(TtsModel), TtsModel, "");
        Require(problems, nameof(Voice), Voice, "");
        if (!Formats.Contains(ResponseFormat, StringComparer.Ordinal))
        {
            problems.Add($"{nameof(ResponseFormat)} must be one of {string.Join(", ", Formats)} (got '{ResponseFormat}').");
        }

        if (NetworkTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(NetworkTimeout)} must be positive (got {NetworkTimeout}).");
        }

        if (MaxRetries < 0)
        {
            problems.Add($"{nameof(MaxRetries)} must be 0 or more (got {MaxRetries}).");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid speech options: " + string.Join(" ", problems));
        }
    }

    /// <summary>The media type of <see cref="ResponseFormat"/>, for a response that does not say.</summary>
    internal string ContentType => ResponseFormat switch
    {
        "mp3" => "audio/mpeg",
        "pcm" => "audio/pcm",
        _ => "audio/" + ResponseFormat,
    };

    private static void Require(List<string> problems, string name, string value, string hint)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{name} is required{hint}.");
        }
    }
}
