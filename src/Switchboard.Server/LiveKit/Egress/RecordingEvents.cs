using System.Globalization;
using Switchboard.Contracts.Events;
using Switchboard.Server.Ingest;
using Switchboard.Server.Supervision;

namespace Switchboard.Server.LiveKit.Egress;

/// <summary>
/// The <c>recording.*</c> events. Their ids come from the attempt or the egress id, so the same
/// fact told twice (a webhook redelivered, the starter and <c>egress_started</c>, two nodes) is
/// stored once.
/// </summary>
public static class RecordingEvents
{
    /// <summary>The claim of an attempt: whoever stores it first starts the egress.</summary>
    public static EventEnvelope Requested(string callId, int attempt, string trigger, string? by, DateTimeOffset at) =>
        ServerEvent.Create(callId, EventTypes.RecordingRequested, new RecordingData(trigger, by, attempt), DerivedId.Of("recording-request", Number(attempt)), at);

    /// <summary>Egress accepted the request (or reported it started).</summary>
    public static EventEnvelope Started(string callId, LiveKitEgress egress, RecordingData data, DateTimeOffset at) =>
        ServerEvent.Create(callId, EventTypes.RecordingStarted, data with { EgressId = egress.EgressId, Status = egress.Status, StartedAt = LiveKitEgress.Time(egress.StartedAtNanos) },
            DerivedId.Of("recording-started", egress.EgressId), at);

    /// <summary>The attempt could not be started.</summary>
    public static EventEnvelope StartFailed(string callId, int attempt, string trigger, string? by, string error, DateTimeOffset at) =>
        ServerEvent.Create(callId, EventTypes.RecordingFailed, new RecordingData(trigger, by, attempt, Error: Clip(error)), DerivedId.Of("recording-failed", Number(attempt)), at);

    /// <summary>Egress finished: <c>recording.completed</c> with the file, or <c>recording.failed</c> without one.</summary>
    public static EventEnvelope Ended(LiveKitEgress egress, RecordingOptions options, DateTimeOffset fallbackAt)
    {
        var at = LiveKitEgress.Time(egress.EndedAtNanos) ?? fallbackAt;
        var id = DerivedId.Of("recording-end", egress.EgressId);
        if (egress.File is not { } file)
        {
            var why = egress.Error.Length > 0 ? egress.Error : $"Egress ended {egress.Status} without a file.";
            return ServerEvent.Create(egress.RoomId, EventTypes.RecordingFailed, new RecordingData(EgressId: egress.EgressId, Status: egress.Status, Error: Clip(why)), id, at);
        }

        return ServerEvent.Create(egress.RoomId, EventTypes.RecordingCompleted, new RecordingData(
            EgressId: egress.EgressId,
            Status: egress.Status,
            Filename: Clip(file.Filename),
            Location: Clip(file.Location),
            Url: PlayUrl(options, file),
            StartedAt: LiveKitEgress.Time(file.StartedAtNanos) ?? LiveKitEgress.Time(egress.StartedAtNanos),
            DurationSeconds: Math.Round(Math.Max(0, file.DurationNanos) / 1e9, 3)), id, at);
    }

    /// <summary>
    /// The events of an egress webhook: <c>egress_started</c> is the start (stored once with the
    /// starter's own), <c>egress_ended</c> (or an update that says it ended) the end; others none.
    /// </summary>
    public static IReadOnlyList<EventEnvelope> FromWebhook(string name, LiveKitEgress egress, RecordingOptions options, DateTimeOffset at) => name switch
    {
        "egress_started" => [Started(egress.RoomId, egress, new RecordingData(), at)],
        "egress_ended" or "egress_updated" when egress.Ended => [Ended(egress, options, at)],
        _ => [],
    };

    /// <summary>
    /// Where the file can be played: <see cref="RecordingOptions.PublicBaseUrl"/> and the file's
    /// path, else the location Egress reports if it is an http(s) URL, else unknown.
    /// </summary>
    public static string? PlayUrl(RecordingOptions options, EgressFile file)
    {
        string? url = null;
        if (options.PublicBaseUrl is { Length: > 0 } baseUrl && file.Filename.Length > 0)
        {
            var path = string.Join('/', file.Filename.TrimStart('/').Split('/').Select(Uri.EscapeDataString));
            url = baseUrl.TrimEnd('/') + "/" + path;
        }
        else if (Uri.TryCreate(file.Location, UriKind.Absolute, out var location) && location.Scheme is "http" or "https")
        {
            url = file.Location;
        }

        return url is { Length: <= Limits.MediumText } ? url : null;
    }

    private static string Number(int attempt) => attempt.ToString(CultureInfo.InvariantCulture);

    private static string? Clip(string text) => text.Length == 0 ? null : text.Length > Limits.MediumText ? text[..Limits.MediumText] : text;
}
