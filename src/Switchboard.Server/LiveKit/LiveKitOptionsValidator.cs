using Microsoft.Extensions.Options;

namespace Switchboard.Server.LiveKit;

/// <summary>Reports every inconsistency of the <c>LiveKit</c> section at once, at start-up.</summary>
public sealed class LiveKitOptionsValidator : IValidateOptions<LiveKitOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LiveKitOptions options)
    {
        var errors = new List<string>();
        var given = new[] { options.Url, options.ApiKey, options.ApiSecret }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (given is > 0 and < 3)
        {
            errors.Add("LiveKit:Url, LiveKit:ApiKey and LiveKit:ApiSecret must be set together (or none of them, to turn the bridge off).");
        }

        if (!string.IsNullOrWhiteSpace(options.Url)
            && (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https" or "ws" or "wss")))
        {
            errors.Add($"LiveKit:Url must be an absolute http, https, ws or wss URL (got '{options.Url}').");
        }

        foreach (var (key, secret) in options.WebhookKeys)
        {
            if (string.IsNullOrWhiteSpace(key) || string.IsNullOrEmpty(secret))
            {
                errors.Add($"LiveKit:WebhookKeys:{key} must map a non-empty key to a non-empty secret.");
            }
        }

        errors.AddRange(Egress.RecordingOptionsValidator.Problems(options.Recording, options.ApiConfigured));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
