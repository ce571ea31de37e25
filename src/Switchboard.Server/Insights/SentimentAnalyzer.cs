using System.Text.Json;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Ingest;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Insights;

/// <summary>
/// Follows every committed event: scores each customer <c>transcript.final</c> and appends a
/// <c>sentiment.scored</c>, and re-evaluates the attention of the calls the events touched. Appends
/// are pipelined (a few in flight, queued in order), so a new utterance never waits for the
/// previous batch's commit and under load the delay stays near one commit.
/// </summary>
public sealed partial class SentimentAnalyzer(
    EventHub hub,
    IEventStore store,
    LiveCalls live,
    EventIngestor ingestor,
    ISentimentClassifier classifier,
    AttentionTracker attention,
    IOptions<InsightsOptions> options,
    TimeProvider clock,
    Operations.IJobLeases leases,
    ILogger<SentimentAnalyzer> logger) : BackgroundService
{
    /// <summary>Most events handled per appended batch (well under the ingest batch limit).</summary>
    public const int MaxBatch = 400;

    /// <summary>Most appends waiting for their commit at once.</summary>
    public const int MaxAppendsInFlight = 4;

    private readonly SemaphoreSlim _appends = new(MaxAppendsInFlight);

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _appends.Dispose();
    }

    /// <inheritdoc />
    /// <remarks>One node analyzes at a time (the lease "sentiment analyzer"); the others fold what it appends.</remarks>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Operations.LeasedJob.RunAsync(leases, "sentiment analyzer", Analyze, stoppingToken);

    private Task Analyze(CancellationToken stoppingToken)
    {
        // Following starts before this returns, so before the server takes requests. The loop runs
        // on its own thread: woken straight by the hub, it never queues behind request work on the
        // thread pool, which is what keeps the commit-to-score delay low under load. When it falls
        // behind by more than its buffer it reads what it missed from the log: late, never skipped.
        var follower = LogFollower.StartAsync(hub, store, options.Value.BufferCapacity, [.. live.Active.Select(c => c.CallId)], stoppingToken).GetAwaiter().GetResult();
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(follower, stoppingToken);
                stopped.SetResult();
            }
            catch (Exception ex)
            {
                stopped.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "Sentiment analyzer",
        };
        thread.Start();
        return stopped.Task;
    }

    /// <summary>Times the analyzer fell behind its buffer and read from the log instead (for metrics).</summary>
    public int CatchUps => _follower?.CatchUps ?? 0;

    private LogFollower? _follower;
    private long _scored;

    /// <summary>Customer lines scored and stored since start (for metrics).</summary>
    public long Scored => Interlocked.Read(ref _scored);

    private void Run(LogFollower follower, CancellationToken stoppingToken)
    {
        _follower = follower;
        var batch = new List<StoredEvent>(MaxBatch);
        try
        {
            while (Wait(follower.NextAsync(batch, MaxBatch, stoppingToken)))
            {
                // A batch that cannot be handled (whatever its data) is logged and skipped; the next one is not.
                Operations.BackgroundPass.Guard(logger, "the sentiment analyzer", () => Handle(batch, stoppingToken));
                foreach (var e in batch)
                {
                    if (e.Type == EventTypes.CallEnded)
                    {
                        follower.Forget(e.CallId);
                    }
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            follower.Dispose();
            // Let the appends in flight finish before the service counts as stopped.
            var drained = 0;
            for (var i = 0; i < MaxAppendsInFlight; i++)
            {
                drained += _appends.Wait(TimeSpan.FromSeconds(5), CancellationToken.None) ? 1 : 0;
            }

            // Given back, for when this node takes the lease again.
            if (drained > 0)
            {
                _appends.Release(drained);
            }
        }
    }

    private static T Wait<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    /// <summary>Scores and evaluates one batch of events and starts appending what it derives.</summary>
    internal void Handle(IReadOnlyList<StoredEvent> batch, CancellationToken cancellationToken)
    {
        var touched = new HashSet<string>(StringComparer.Ordinal);
        List<(StoredEvent Line, string SegmentId, ValueTask<SentimentResult> Result)>? scoring = null;
        foreach (var e in batch)
        {
            if (e.IsEphemeral)
            {
                continue;
            }

            touched.Add(e.CallId);
            if (e.Type == EventTypes.TranscriptFinal
                && (e.Data.Str("speaker") ?? "customer") == "customer"
                && e.Data.Str("text") is { } text
                && !string.IsNullOrWhiteSpace(text))
            {
                // Started together so that a remote model answers for the whole batch in parallel.
                (scoring ??= []).Add((e, e.Data.Str("segmentId") ?? e.Id, classifier.ClassifyAsync(text, cancellationToken)));
            }
        }

        if (touched.Count == 0)
        {
            return;
        }

        var derived = new List<EventEnvelope>((scoring?.Count ?? 0) + 1);
        var now = clock.GetUtcNow();
        foreach (var (line, segmentId, pending) in scoring ?? [])
        {
            var result = Wait(pending);
            derived.Add(new EventEnvelope
            {
                Id = $"sentiment-{line.Seq}",
                CallId = line.CallId,
                Type = EventTypes.SentimentScored,
                At = now,
                Data = JsonSerializer.SerializeToElement(
                    new SentimentScoredData(segmentId, result.Label, Math.Clamp(result.Score, -1, 1), result.Model), ContractJson.Options),
            });
        }

        derived.AddRange(attention.Evaluate(touched, now));
        if (derived.Count == 0)
        {
            return;
        }

        _appends.Wait(cancellationToken);
        _ = AppendAsync(derived, cancellationToken);
    }

    private async Task AppendAsync(List<EventEnvelope> derived, CancellationToken cancellationToken)
    {
        try
        {
            // Queued synchronously, so batches are appended in the order they were handled.
            await ingestor.AppendDerivedEventsAsync(derived, cancellationToken);
            Interlocked.Add(ref _scored, derived.Count(d => d.Type == EventTypes.SentimentScored));
        }
        catch (Exception ex) when (ex is EventStoreUnavailableException or InvalidOperationException)
        {
            LogAppendFailed(derived.Count, ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: a queued batch still commits.
        }
        finally
        {
            _appends.Release();
        }
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "Could not append {Count} derived events")]
    private partial void LogAppendFailed(int count, Exception ex);
}
