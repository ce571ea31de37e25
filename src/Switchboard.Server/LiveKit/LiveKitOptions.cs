using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// Configuration section <c>LiveKit</c>. Without <see cref="Url"/>, <see cref="ApiKey"/> and
/// <see cref="ApiSecret"/> the server API and the reconciler are off; without any webhook key the
/// webhook endpoint is off (docs/LIVEKIT-BRIDGE.md).
/// </summary>
public sealed class LiveKitOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "LiveKit";

    /// <summary>The LiveKit server, e.g. <c>https://my.livekit.cloud</c> (ws/wss are rewritten to http/https).</summary>
    public string? Url { get; set; }

    /// <summary>API key used to sign server-API requests and supervisor tokens.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The secret of <see cref="ApiKey"/>.</summary>
    public string? ApiSecret { get; set; }

    /// <summary>
    /// Keys accepted on webhooks, key → secret. When empty, webhooks signed with
    /// <see cref="ApiKey"/> are accepted (a self-hosted server signs with one of its own keys).
    /// </summary>
    public Dictionary<string, string> WebhookKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often the reconciler compares active calls with LiveKit's rooms.</summary>
    [Range(0.05, 3600)]
    public double ReconcileIntervalSeconds { get; set; } = 30;

    /// <summary>Time limit of one server-API attempt (SIP calls use <see cref="SipTimeoutSeconds"/>).</summary>
    [Range(0.1, 300)]
    public double RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>Time limit of SIP transfer and dial-out: the ring window (30 s by default) plus a margin.</summary>
    [Range(1, 600)]
    public double SipTimeoutSeconds { get; set; } = 45;

    /// <summary>Attempts of a request that is safe to repeat (1 = no retry).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>First retry delay; each later retry doubles it (with jitter).</summary>
    [Range(1, 60_000)]
    public int RetryBaseDelayMilliseconds { get; set; } = 250;

    /// <summary>Validity of supervisor listen tokens.</summary>
    [Range(1, 24 * 60)]
    public int ListenTokenMinutes { get; set; } = 60;

    /// <summary>Per-call recordings through LiveKit Egress (off by default).</summary>
    public Egress.RecordingOptions Recording { get; set; } = new();

    /// <summary>True when the server API (and so the reconciler) can be used.</summary>
    public bool ApiConfigured =>
        !string.IsNullOrWhiteSpace(Url) && !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(ApiSecret);

    /// <summary>The keys accepted on webhooks, key → secret (a method: option validation reads every property).</summary>
    public IReadOnlyDictionary<string, string> WebhookSecrets() =>
        WebhookKeys.Count > 0 ? WebhookKeys
        : ApiConfigured ? new Dictionary<string, string>(StringComparer.Ordinal) { [ApiKey!] = ApiSecret! }
        : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The HTTP base address of the server API (ws and wss become http and https).</summary>
    public Uri ApiBaseAddress()
    {
        var url = new Uri(Url!);
        var scheme = url.Scheme switch { "ws" => "http", "wss" => "https", var s => s };
        var port = url.IsDefaultPort ? -1 : url.Port;
        var path = url.AbsolutePath.EndsWith('/') ? url.AbsolutePath : url.AbsolutePath + "/";
        return new UriBuilder(scheme, url.Host, port, path).Uri;
    }
}
