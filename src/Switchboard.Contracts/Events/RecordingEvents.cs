namespace Switchboard.Contracts.Events;

/// <summary>
/// <c>recording.requested</c>, <c>.started</c>, <c>.completed</c> and <c>.failed</c>: a per-call
/// recording through LiveKit Egress. Times are the recording's own (Egress reports them), so a
/// replay can lay the audio against the call's timeline.
/// </summary>
/// <param name="Trigger"><c>auto</c> (every call is recorded) or <c>supervisor</c> (asked for).</param>
/// <param name="By">The supervisor who asked, for <c>supervisor</c>.</param>
/// <param name="Attempt">Which attempt this is (1 for the first; a supervisor may ask again after a failure).</param>
/// <param name="EgressId">LiveKit's egress id (<c>EG_…</c>), once Egress answered.</param>
/// <param name="Status">Egress's status when this was recorded (for example <c>EGRESS_COMPLETE</c>).</param>
/// <param name="Filename">The file's path in its storage.</param>
/// <param name="Location">Where Egress says it stored the file.</param>
/// <param name="Url">Where the file can be played (an absolute http or https URL), when known.</param>
/// <param name="StartedAt">When the recording's audio begins.</param>
/// <param name="DurationSeconds">The audio's length.</param>
/// <param name="Error">Why it failed.</param>
public sealed record RecordingData(
    string? Trigger = null,
    string? By = null,
    int? Attempt = null,
    string? EgressId = null,
    string? Status = null,
    string? Filename = null,
    string? Location = null,
    string? Url = null,
    DateTimeOffset? StartedAt = null,
    double? DurationSeconds = null,
    string? Error = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.OneOf("trigger", Trigger, Vocabulary.RecordingTriggers, required: false);
        errors.Optional("by", By);
        if (Attempt is < 1)
        {
            errors.Add("attempt", "must be 1 or more");
        }

        errors.Optional("egressId", EgressId);
        errors.Optional("status", Status, 64);
        errors.Optional("filename", Filename, Limits.MediumText);
        errors.Optional("location", Location, Limits.MediumText);
        errors.Optional("url", Url, Limits.MediumText);
        if (Url is not null && !(Uri.TryCreate(Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            errors.Add("url", "must be an absolute http or https URL");
        }

        errors.NonNegative("durationSeconds", DurationSeconds);
        errors.Optional("error", Error, Limits.MediumText);
    }
}
