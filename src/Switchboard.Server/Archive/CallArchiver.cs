using System.Text;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Operations;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Archive;

/// <summary>
/// Summarises every call as it ends, and again when a late event reaches an archived call: it
/// follows the log (one node at a time, the lease "call archiver"), reads the call's whole log
/// and stores <see cref="CallSummaryProjection"/>'s fold; a call not yet scored against the
/// configured scorecard version is then scored (<see cref="Scorecard"/>, with the criteria a model
/// judges, <see cref="ScorecardJudge"/>). When it starts it first archives the
/// ended calls it missed while no node ran it. A call it cannot summarise is logged and skipped.
/// </summary>
public sealed partial class CallArchiver(
    EventHub hub,
    IEventStore store,
    LiveCalls live,
    ICallArchive archive,
    IOptions<ArchiveOptions> options,
    IOptions<ScorecardOptions> scorecards,
    ScorecardJudge judge,
    Ingest.EventIngestor ingestor,
    IJobLeases leases,
    IServiceProvider services,
    ILogger<CallArchiver> logger) : BackgroundService
{
    /// <summary>How long scoring waits for the analyzer to score the customer's last lines.</summary>
    private static readonly TimeSpan SentimentWait = TimeSpan.FromSeconds(3);

    private const int Page = 5000;

    // One scoring at a time on this node, so two passes over one call (the log's and a rebuild) judge it once.
    private readonly SemaphoreSlim _scoring = new(1, 1);
    private long _archived;

    /// <summary>Summaries stored since start (for metrics).</summary>
    public long Archived => Interlocked.Read(ref _archived);

    /// <summary>
    /// Reads a call's log and stores its summary; false when the call has no events or has not ended.
    /// </summary>
    public Task<bool> ArchiveAsync(string callId, CancellationToken cancellationToken) => ArchiveAsync(callId, firstTime: true, cancellationToken);

    private async Task<bool> ArchiveAsync(string callId, bool firstTime, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        long after = 0;
        IReadOnlyList<StoredEvent> page;
        do
        {
            page = await store.ReadAsync(callId, after, Page, cancellationToken);
            events.AddRange(page);
            after = page.Count > 0 ? page[^1].Seq : after;
        }
        while (page.Count == Page);

        if (CallSummaryProjection.Fold(events, options.Value) is not { EndedAt: not null } summary)
        {
            return false;
        }

        var card = scorecards.Value;
        if (card.Enabled && !IsScored(events, card) && services.GetService<Insights.SentimentAnalyzer>() is not null && await AwaitSentimentAsync(callId, events, cancellationToken))
        {
            // The scorecard reads the customer's ending sentiment: scored after the analyzer has caught up.
            summary = CallSummaryProjection.Fold(events, options.Value) ?? summary;
        }

        if (card.Enabled && !IsScored(events, card) && await ScoreAsync(callId, events, summary, card, cancellationToken) is { Count: > 0 } since)
        {
            // The result (and whatever else came meanwhile) is folded in before the one save.
            events.AddRange(since);
            summary = CallSummaryProjection.Fold(events, options.Value) ?? summary;
        }

        await archive.SaveAsync(summary, Transcript(events), cancellationToken);
        Interlocked.Increment(ref _archived);
        if (firstTime)
        {
            // A rebuild summarises calls again: their cost was counted when they were first archived.
            CountCost(summary.Cost);
        }
        return true;
    }

    private static void CountCost(CostFigures cost)
    {
        SwitchboardMetrics.CallCost.Record(cost.Total);
        Component(cost.Llm, "llm");
        Component(cost.Stt, "stt");
        Component(cost.Tts, "tts");
        Component(cost.Telephony, "telephony");

        static void Component(double usd, string component) =>
            SwitchboardMetrics.Cost.Add(Math.Max(0, usd), new KeyValuePair<string, object?>("component", component));
    }

    /// <summary>Summarises every ended call again from its log; returns how many.</summary>
    public async Task<int> RebuildAsync(CancellationToken cancellationToken) => await SweepAsync(onlyMissing: false, cancellationToken);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled ? LeasedJob.RunAsync(leases, "call archiver", FollowAsync, stoppingToken) : Task.CompletedTask;

    /// <inheritdoc />
    public override void Dispose()
    {
        _scoring.Dispose();
        base.Dispose();
    }

    /// <summary>The words of the call's final transcripts, one line per segment as last sent.</summary>
    private static string Transcript(IReadOnlyList<StoredEvent> events) =>
        new StringBuilder().AppendJoin('\n', FinalTranscript.Lines(events).Select(l => l.Text)).ToString();

    private static bool IsScored(IEnumerable<StoredEvent> events, ScorecardOptions card) =>
        events.Any(e => e.Type == EventTypes.ScorecardCompleted && e.Data.Str("scorecard") == card.Name && (int?)e.Data.Num("version") == card.Version);

    /// <summary>Scores the call unless another pass has; returns the log's events after those read (the result among them).</summary>
    /// <summary>
    /// Waits (at most <see cref="SentimentWait"/>) until every final customer line of the call has
    /// its <c>sentiment.scored</c>, reading what arrives into <paramref name="events"/>; true when
    /// anything was added.
    /// </summary>
    private async Task<bool> AwaitSentimentAsync(string callId, List<StoredEvent> events, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var added = false;
        while (Unscored(events) && System.Diagnostics.Stopwatch.GetElapsedTime(started) < SentimentWait)
        {
            await Task.Delay(100, cancellationToken);
            var more = await store.ReadAsync(callId, events[^1].Seq, Page, cancellationToken);
            events.AddRange(more);
            added |= more.Count > 0;
        }

        return added;
    }

    private static bool Unscored(List<StoredEvent> events)
    {
        var lines = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            // The lines the analyzer scores (Insights.SentimentAnalyzer): the customer's, with text.
            if (e.Type == EventTypes.TranscriptFinal && (Calls.JsonData.Str(e.Data, "speaker") ?? "customer") == "customer"
                && !string.IsNullOrWhiteSpace(Calls.JsonData.Str(e.Data, "text")))
            {
                lines.Add(Calls.JsonData.Str(e.Data, "segmentId") ?? e.Id);
            }
            else if (e.Type == EventTypes.SentimentScored && Calls.JsonData.Str(e.Data, "segmentId") is { } scored)
            {
                lines.Remove(scored);
            }
        }

        return lines.Count > 0;
    }

    private async Task<IReadOnlyList<StoredEvent>> ScoreAsync(string callId, List<StoredEvent> events, CallSummary summary, ScorecardOptions card, CancellationToken cancellationToken)
    {
        await _scoring.WaitAsync(cancellationToken);
        try
        {
            // Another pass may have scored the call while this one read it: its event is after what was read.
            var since = await store.ReadAsync(callId, events[^1].Seq, Page, cancellationToken);
            if (IsScored(since, card))
            {
                return since;
            }

            // Scored once per scorecard version: the event's id and time are the call's, so a second
            // scoring (another node, a restart) is the same event and stored once. It is folded into
            // the summary before it is stored; a pass after it finds it in the log and neither scores
            // nor asks the judge again.
            var judged = await judge.JudgeAsync(events, cancellationToken);
            var result = Scorecard.Score(events, summary, card, judged);
            var scored = Supervision.ServerEvent.Create(callId, EventTypes.ScorecardCompleted, result, Scorecard.EventId(callId, card), summary.EndedAt!.Value);
            await ingestor.AppendServerEventsAsync([scored], cancellationToken);
            return await store.ReadAsync(callId, events[^1].Seq, Page, cancellationToken);
        }
        finally
        {
            _scoring.Release();
        }
    }

    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        // Following starts before the sweep, so a call that ends meanwhile is not missed.
        using var follower = await LogFollower.StartAsync(hub, store, 10_000, [], stoppingToken);
        await BackgroundPass.RunOnceAsync(logger, "the call archiver's catch-up", ct => SweepAsync(onlyMissing: true, ct), stoppingToken);
        var batch = new List<StoredEvent>(1000);
        while (await follower.NextAsync(batch, 1000, stoppingToken))
        {
            await BackgroundPass.RunOnceAsync(logger, "the call archiver", ct => HandleAsync(batch, ct), stoppingToken);
            batch.Clear();
        }
    }

    private async Task HandleAsync(List<StoredEvent> batch, CancellationToken cancellationToken)
    {
        var ended = batch.Where(e => e.Type == EventTypes.CallEnded).Select(e => e.CallId).ToHashSet(StringComparer.Ordinal);
        // A late event of a call that is not live: summarised again if it was archived before it
        // (its summary may hold it already: the scorecard's result is folded in as it is stored).
        var late = batch.Where(e => !e.IsEphemeral && !ended.Contains(e.CallId) && live.Find(e.CallId) is null)
            .GroupBy(e => e.CallId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(e => e.Seq), StringComparer.Ordinal);
        if (late.Count > 0)
        {
            ended.UnionWith((await archive.FoldedUpToAsync(late.Keys, cancellationToken)).Where(f => f.Value < late[f.Key]).Select(f => f.Key));
        }

        foreach (var callId in ended)
        {
            await BackgroundPass.RunOnceAsync(logger, "the call archiver", ct => ArchiveAsync(callId, ct), cancellationToken);
        }
    }

    private async Task<int> SweepAsync(bool onlyMissing, CancellationToken cancellationToken)
    {
        var count = 0;
        CallPosition? before = null;
        while (true)
        {
            var calls = await store.ListCallsAsync(new CallQuery("ended", 1000, before), cancellationToken);
            var folded = onlyMissing ? await archive.FoldedUpToAsync([.. calls.Select(c => c.CallId)], cancellationToken) : new Dictionary<string, long>();
            foreach (var call in calls.Where(c => !folded.TryGetValue(c.CallId, out var seq) || seq < c.LastSeq))
            {
                count += await ArchiveAsync(call.CallId, firstTime: onlyMissing, cancellationToken) ? 1 : 0;
            }

            if (calls.Count < 1000)
            {
                break;
            }

            before = new CallPosition(calls[^1].FirstAt, calls[^1].CallId);
        }

        if (count > 0)
        {
            LogSwept(count);
        }

        return count;
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Summarised {Count} ended calls from the log")]
    private partial void LogSwept(int count);
}
