using System.Text.Json;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.LiveKit.Egress;

/// <summary>A call's recording as its log tells it (folded by <see cref="RecordingFold"/>).</summary>
/// <param name="Status"><c>requested</c>, <c>recording</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="Url">Where the finished file can be played, when known.</param>
/// <param name="StartedAt">When the audio begins: the replay offsets it against the call's start.</param>
/// <param name="DurationSeconds">The audio's length, once completed.</param>
/// <param name="EgressId">LiveKit's egress id.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Attempts">Attempts made (a supervisor may ask again after a failure).</param>
public sealed record CallRecording(string Status, string? Url, DateTimeOffset? StartedAt, double? DurationSeconds, string? EgressId, string? Error, int Attempts)
{
    public const string Requested = "requested";
    public const string Recording = "recording";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>True when a new attempt may be made: nothing was asked yet, or the last attempt failed.</summary>
    public static bool MayStart(CallRecording? recording) => recording is null or { Status: Failed };
}

/// <summary>
/// Folds <c>recording.*</c> events, in log order, into a <see cref="CallRecording"/>. Pure, so the
/// summary and the server's own checks read the same state. It follows the latest attempt; an
/// egress it does not know (started outside Switchboard) is taken only while it has none or its
/// attempt failed, and a finished recording is not reopened by a late <c>recording.started</c>.
/// </summary>
public sealed class RecordingFold
{
    private CallRecording? _state;

    /// <summary>True for the event types this fold reads.</summary>
    public static bool Reads(string type) =>
        type is EventTypes.RecordingRequested or EventTypes.RecordingStarted or EventTypes.RecordingCompleted or EventTypes.RecordingFailed;

    /// <summary>The recording so far; null when none was asked for.</summary>
    public CallRecording? Result => _state;

    /// <summary>Folds one event (others are ignored).</summary>
    public void Apply(StoredEvent e)
    {
        if (!Reads(e.Type) || JsonSerializer.Deserialize<RecordingData>(e.Data, ContractJson.Options) is not { } d)
        {
            return;
        }

        var attempts = _state?.Attempts ?? 0;
        if (e.Type == EventTypes.RecordingRequested)
        {
            _state = new CallRecording(CallRecording.Requested, null, null, null, null, null, Math.Max(attempts + 1, d.Attempt ?? 0));
            return;
        }

        var same = d.EgressId is not null && d.EgressId == _state?.EgressId;
        if (!same && _state is { EgressId: not null, Status: not CallRecording.Failed } && d.EgressId is not null)
        {
            return;
        }

        _state = e.Type switch
        {
            EventTypes.RecordingStarted when !(same && _state!.Status is CallRecording.Completed or CallRecording.Failed) =>
                new CallRecording(CallRecording.Recording, null, d.StartedAt, null, d.EgressId, null, Math.Max(attempts, 1)),
            EventTypes.RecordingCompleted =>
                new CallRecording(CallRecording.Completed, d.Url, d.StartedAt ?? _state?.StartedAt, d.DurationSeconds, d.EgressId ?? _state?.EgressId, null, Math.Max(attempts, 1)),
            EventTypes.RecordingFailed =>
                new CallRecording(CallRecording.Failed, null, _state?.StartedAt, null, d.EgressId ?? _state?.EgressId, d.Error, Math.Max(attempts, 1)),
            _ => _state,
        };
    }
}
