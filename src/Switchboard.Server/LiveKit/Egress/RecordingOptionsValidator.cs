namespace Switchboard.Server.LiveKit.Egress;

/// <summary>The problems of <c>LiveKit:Recording</c>, reported with the rest of the <c>LiveKit</c> section.</summary>
public static class RecordingOptionsValidator
{
    private static readonly string[] FileTypes = ["OGG", "MP4", "MP3"];

    /// <summary>Every problem, in words that name the key to fix.</summary>
    public static IEnumerable<string> Problems(RecordingOptions r, bool apiConfigured)
    {
        if (r.Enabled && !apiConfigured)
        {
            yield return "LiveKit:Recording:Enabled needs the LiveKit server API: set LiveKit:Url, LiveKit:ApiKey and LiveKit:ApiSecret.";
        }

        if (r.Calls is not (RecordingOptions.AllCalls or RecordingOptions.OnDemand))
        {
            yield return $"LiveKit:Recording:Calls must be '{RecordingOptions.AllCalls}' or '{RecordingOptions.OnDemand}' (got '{r.Calls}').";
        }

        if (!FileTypes.Contains(r.FileType, StringComparer.Ordinal))
        {
            yield return $"LiveKit:Recording:FileType must be one of {string.Join(", ", FileTypes)} (got '{r.FileType}').";
        }

        if (string.IsNullOrWhiteSpace(r.FilepathTemplate) || r.FilepathTemplate.Length > 512
            || !(r.FilepathTemplate.Contains(RecordingOptions.CallIdPlaceholder, StringComparison.Ordinal) || r.FilepathTemplate.Contains("{room_id}", StringComparison.Ordinal)))
        {
            yield return "LiveKit:Recording:FilepathTemplate must hold {call_id} (or Egress's {room_id}) so that each call has its own file, in at most 512 characters.";
        }

        if (r.PublicBaseUrl is { Length: > 0 } url && !IsHttp(url))
        {
            yield return $"LiveKit:Recording:PublicBaseUrl must be an absolute http or https URL (got '{url}').";
        }

        var s3 = r.S3;
        if (s3.Given && string.IsNullOrWhiteSpace(s3.Bucket))
        {
            yield return "LiveKit:Recording:S3:Bucket is required when any LiveKit:Recording:S3 setting is given (or give none, to use the egress server's storage).";
        }

        if (string.IsNullOrWhiteSpace(s3.AccessKey) != string.IsNullOrWhiteSpace(s3.Secret))
        {
            yield return "LiveKit:Recording:S3:AccessKey and LiveKit:Recording:S3:Secret must be set together (or neither, for the egress server's own credentials).";
        }

        if (s3.Endpoint is { Length: > 0 } endpoint && !IsHttp(endpoint))
        {
            yield return $"LiveKit:Recording:S3:Endpoint must be an absolute http or https URL (got '{endpoint}').";
        }
    }

    private static bool IsHttp(string value) => Uri.TryCreate(value, UriKind.Absolute, out var u) && u.Scheme is "http" or "https";
}
