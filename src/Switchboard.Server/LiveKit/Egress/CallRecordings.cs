using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Ingest;
using Switchboard.Server.Storage;

namespace Switchboard.Server.LiveKit.Egress;

/// <summary>
/// Starts and stops a call's recording through LiveKit Egress. Starting is claimed in the call's
/// log first: each attempt appends <c>recording.requested</c> with an id derived from the call's
/// attempt number, and only the request that stored it asks Egress — so a retry, a second node or
/// the recorder and a supervisor at the same moment start one egress, not two.
/// </summary>
public sealed partial class CallRecordings(
    LiveKitServerApi api,
    LiveKitRoomControl rooms,
    IEventStore store,
    EventIngestor ingestor,
    IOptions<LiveKitOptions> options,
    TimeProvider clock,
    ILogger<CallRecordings> logger)
{
    private const int Page = 1000;

    /// <summary>True when recording is on (and so the server API configured).</summary>
    public bool Enabled => options.Value.Recording.Enabled && api.Configured;

    /// <summary>The recording settings.</summary>
    public RecordingOptions Options => options.Value.Recording;

    /// <summary>True for a call that lives in a LiveKit room (its id is the room SID).</summary>
    public static bool InLiveKit(string callId) => callId.StartsWith("RM_", StringComparison.Ordinal);

    /// <summary>The call's recording as its log tells it, or null when none was asked for.</summary>
    public async Task<CallRecording?> ReadAsync(string callId, CancellationToken cancellationToken)
    {
        var fold = new RecordingFold();
        long after = 0;
        IReadOnlyList<StoredEvent> page;
        do
        {
            page = await store.ReadAsync(callId, after, Page, cancellationToken);
            foreach (var e in page)
            {
                fold.Apply(e);
            }

            after = page.Count > 0 ? page[^1].Seq : after;
        }
        while (page.Count == Page);

        return fold.Result;
    }

    /// <summary>
    /// Starts recording the call unless a recording is already asked for, running or done. After
    /// the claim, the request to Egress is sent once and is not cancelled with the caller.
    /// </summary>
    public async Task<RecordingStart> StartAsync(string callId, string? roomName, string trigger, string? by, CancellationToken cancellationToken)
    {
        var known = await ReadAsync(callId, cancellationToken);
        if (!CallRecording.MayStart(known))
        {
            return new RecordingStart(known!, Duplicate: true, Problem: null);
        }

        var attempt = (known?.Attempts ?? 0) + 1;
        var claim = await ingestor.AppendServerEventsAsync([RecordingEvents.Requested(callId, attempt, trigger, by, clock.GetUtcNow())], cancellationToken);
        if (claim[0].Duplicate)
        {
            // Another request claimed this attempt first: it starts the egress.
            return new RecordingStart(await ReadAsync(callId, cancellationToken) ?? known!, Duplicate: true, Problem: null);
        }

        try
        {
            var room = roomName is { Length: > 0 } ? roomName : await rooms.RoomOfAsync(callId, CancellationToken.None);
            var egress = await api.StartRoomCompositeEgressAsync(Request(callId, room), CancellationToken.None);
            var data = new RecordingData(trigger, by, attempt);
            await ingestor.AppendServerEventsAsync([RecordingEvents.Started(callId, egress, data, clock.GetUtcNow())], CancellationToken.None);
            LogStarted(callId, egress.EgressId, attempt);
            return new RecordingStart(new CallRecording(CallRecording.Recording, null, LiveKitEgress.Time(egress.StartedAtNanos), null, egress.EgressId, null, attempt), false, null);
        }
        catch (LiveKitBridgeException ex)
        {
            LogStartFailed(callId, attempt, ex.Title, ex.Message);
            await ingestor.AppendServerEventsAsync([RecordingEvents.StartFailed(callId, attempt, trigger, by, ex.Message, clock.GetUtcNow())], CancellationToken.None);
            return new RecordingStart(new CallRecording(CallRecording.Failed, null, null, null, null, ex.Message, attempt), false, ex);
        }
    }

    /// <summary>
    /// Stops a running egress at the end of the call. Egress then finishes the file and reports it
    /// (<c>egress_ended</c>); if its answer already says it ended, that is recorded at once.
    /// </summary>
    public async Task StopAsync(string callId, string egressId, CancellationToken cancellationToken)
    {
        try
        {
            var egress = await api.StopEgressAsync(egressId, cancellationToken);
            if (egress.Ended && egress.RoomId == callId)
            {
                await ingestor.AppendServerEventsAsync([RecordingEvents.Ended(egress, Options, clock.GetUtcNow())], cancellationToken);
            }
        }
        catch (LiveKitApiException ex) when (ex.Code is "not_found" or "failed_precondition")
        {
            // Already stopped (the room closed first): egress_ended reports the file.
        }
        catch (LiveKitBridgeException ex)
        {
            LogStopFailed(callId, egressId, ex.Message);
        }
    }

    /// <summary>The request for one call: audio only, one file at the configured path and storage.</summary>
    public RoomCompositeEgressRequest Request(string callId, string room)
    {
        var r = Options;
        var path = r.FilepathTemplate.Replace(RecordingOptions.CallIdPlaceholder, callId, StringComparison.Ordinal).Replace("{room_name}", room, StringComparison.Ordinal);
        var s3 = r.S3 is { Bucket: { Length: > 0 } bucket } s
            ? new S3Upload(bucket, Blank(s.Region), Blank(s.Endpoint), Blank(s.AccessKey), Blank(s.Secret), s.ForcePathStyle)
            : null;
        return new RoomCompositeEgressRequest(room, AudioOnly: true, [new EncodedFileOutput(r.FileType, path, s3)]);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "Recording call {CallId} through LiveKit Egress {EgressId} (attempt {Attempt})")]
    private partial void LogStarted(string callId, string egressId, int attempt);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Warning, Message = "Could not start recording call {CallId} (attempt {Attempt}): {Title}: {Detail}")]
    private partial void LogStartFailed(string callId, int attempt, string title, string detail);

    [LoggerMessage(EventId = 4403, Level = LogLevel.Warning, Message = "Could not stop LiveKit Egress {EgressId} of call {CallId}: {Detail}")]
    private partial void LogStopFailed(string callId, string egressId, string detail);
}

/// <summary>What a start came to: the recording, whether it had been asked for already, and the failure if Egress refused.</summary>
public sealed record RecordingStart(CallRecording Recording, bool Duplicate, LiveKitBridgeException? Problem);
