using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Archive;
using Switchboard.Server.Latency;
using Switchboard.Server.Redaction;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Calls;

/// <summary>
/// The wallboard's changes, built once for every viewer. Commits only mark which calls changed (one
/// dictionary write, however many wallboards are open); a single loop coalesces the changes — at
/// most one update per call per <see cref="StreamingOptions.WallboardCoalesceMilliseconds"/>, always
/// the call's state at the moment it is sent, and at once for a call that changed after a quiet
/// spell — serialises each update once, and hands the same bytes to every connected wallboard.
/// New wallboards get their snapshot from the same loop, so no change can arrive before it. There
/// are two audiences: those who may see personal data as spoken and those who see it masked
/// (<see cref="Redactor.For"/>); each update is built once for each, and only once when it holds
/// nothing to mask. The fleet's latency against the budget (<see cref="Latency.LatencyWatch"/>)
/// rides in the snapshot and, when it changes, in an <c>event: latency</c> frame, the same for all.
/// </summary>
public sealed partial class WallboardFeed(
    IOptions<StreamingOptions> options,
    IOptions<ScorecardOptions> scorecards,
    Redactor redaction,
    TimeProvider clock,
    ILogger<WallboardFeed> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, CallState> _changed = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<WallboardSubscriber> _joining = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Dictionary<string, DateTimeOffset> _lastSent = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _chunk = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _maskedChunk = new(64 * 1024);
    private readonly DisplayMask _restricted = redaction.Restricted;
    private WallboardSubscriber[] _subscribers = [];
    private ICallStates? _calls;
    private FleetLatency? _latency;
    private int _latencyChanged;
    private int _signalled;

    /// <summary>Number of connected wallboards.</summary>
    public int Count => Volatile.Read(ref _subscribers).Length;

    /// <summary>Updates built so far (each sent to every wallboard).</summary>
    public long UpdatesBuilt { get; private set; }

    /// <summary>Bytes of the updates built so far (of the audience that sees originals).</summary>
    public long BytesBuilt { get; private set; }

    /// <summary>Per-call changes carried by the updates built so far.</summary>
    public long CallUpdatesBuilt { get; private set; }

    /// <summary>Where the feed reads the calls' current states (set once by <see cref="LiveCalls"/>).</summary>
    internal void Bind(ICallStates calls) => _calls = calls;

    /// <summary>Registers a wallboard that sees what <paramref name="mask"/> lets it; its first chunk is the snapshot. Dispose it to leave.</summary>
    public WallboardSubscriber Subscribe(DisplayMask mask)
    {
        var subscriber = new WallboardSubscriber(this, options.Value.WallboardBufferChunks, !mask.IsNone);
        _joining.Enqueue(subscriber);
        Signal();
        return subscriber;
    }

    /// <summary>Sends the fleet's latency to every wallboard (and in the snapshot of those that join).</summary>
    public void SetLatency(FleetLatency latency)
    {
        Volatile.Write(ref _latency, latency);
        Interlocked.Exchange(ref _latencyChanged, 1);
        Signal();
    }

    internal void MarkChanged(string callId, CallState state)
    {
        // With no wallboard open nothing is marked: one that opens gets every call in its snapshot.
        if (Volatile.Read(ref _subscribers).Length == 0 && _joining.IsEmpty)
        {
            return;
        }

        // A later event's state is never replaced by an earlier one (marks come from several threads).
        _changed.AddOrUpdate(callId, state, (_, marked) => marked.LastSeq > state.LastSeq ? marked : state);
        Signal();
    }

    internal void Remove(WallboardSubscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Where(s => s != subscriber).ToArray();
        }
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => RunAsync(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var window = TimeSpan.FromMilliseconds(options.Value.WallboardCoalesceMilliseconds);
        TimeSpan? wait = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _signal.WaitAsync(wait ?? Timeout.InfiniteTimeSpan, stoppingToken);
                var sent = UpdatesBuilt;
                Interlocked.Exchange(ref _signalled, 0);
                wait = null;
                Operations.BackgroundPass.Guard(logger, "the wallboard feed", () => wait = Flush(window));
                if (UpdatesBuilt != sent && SendInterval(Count) is { } gap && gap > TimeSpan.Zero)
                {
                    await Task.Delay(gap, clock, stoppingToken);
                    wait = TimeSpan.Zero;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var subscriber in Volatile.Read(ref _subscribers))
            {
                subscriber.Complete(overflowed: false);
            }
        }
    }

    /// <summary>Sends snapshots to new wallboards and every due change to all; returns how long until the next change is due.</summary>
    private TimeSpan? Flush(TimeSpan window)
    {
        var now = clock.GetUtcNow();
        var budget = scorecards.Value.Budget;
        var latencyChanged = Interlocked.Exchange(ref _latencyChanged, 0) == 1;
        var latency = Volatile.Read(ref _latency);
        while (_joining.TryDequeue(out var joining))
        {
            if (joining.IsDisposed)
            {
                continue;
            }

            lock (_gate)
            {
                _subscribers = [.. _subscribers, joining];
            }

            var mask = joining.Masked ? _restricted : DisplayMask.None;
            var calls = (_calls?.Active ?? []).Select(c => WallboardSummary.From(c, budget).Masked(mask)).ByAttention().ToList();
            joining.Offer(Frame(SnapshotRetry, "snapshot", new WallboardSnapshot(now, calls, latency)));
        }

        if (Volatile.Read(ref _subscribers).Length == 0)
        {
            // Nobody to send to: a wallboard that joins later gets the calls in its snapshot.
            foreach (var callId in _changed.Keys)
            {
                _changed.TryRemove(callId, out _);
            }

            return null;
        }

        _chunk.ResetWrittenCount();
        _maskedChunk.ResetWrittenCount();
        if (latencyChanged && latency is not null)
        {
            // Fleet figures hold no personal data: the same frame for both audiences.
            WriteFrame(_chunk, "latency", latency);
            _maskedChunk.Write(_chunk.WrittenSpan);
        }

        TimeSpan? next = null;
        foreach (var callId in _changed.Keys)
        {
            if (_lastSent.TryGetValue(callId, out var at) && at + window > now)
            {
                var due = at + window - now;
                next = next is null || due < next ? due : next;
                continue;
            }

            if (!_changed.TryRemove(callId, out var marked))
            {
                continue;
            }

            // The call as it is now, not as it was when it was marked: never older than a snapshot sent before.
            var state = _calls?.Find(callId) is { } current && current.LastSeq >= marked.LastSeq ? current : marked;
            var ended = state.Status == "ended";
            CallUpdatesBuilt++;
            var summary = WallboardSummary.From(state, budget);
            var start = _chunk.WrittenCount;
            WriteFrame(_chunk, ended ? "call-ended" : "call", summary);
            var masked = summary.Masked(_restricted);
            if (ReferenceEquals(masked, summary))
            {
                _maskedChunk.Write(_chunk.WrittenSpan[start..]);
            }
            else
            {
                WriteFrame(_maskedChunk, ended ? "call-ended" : "call", masked);
            }

            if (ended)
            {
                _lastSent.Remove(callId);
            }
            else
            {
                _lastSent[callId] = now;
            }
        }

        if (_chunk.WrittenCount > 0)
        {
            var bytes = _chunk.WrittenSpan.ToArray();
            var maskedBytes = _maskedChunk.WrittenSpan.SequenceEqual(bytes) ? bytes : _maskedChunk.WrittenSpan.ToArray();
            UpdatesBuilt++;
            BytesBuilt += bytes.Length;
            foreach (var subscriber in Volatile.Read(ref _subscribers))
            {
                subscriber.Offer(subscriber.Masked ? maskedBytes : bytes);
            }
        }

        if (_lastSent.Count > 4 * Math.Max(1024, _calls?.Active.Count ?? 0))
        {
            foreach (var stale in _lastSent.Where(p => now - p.Value > window).Select(p => p.Key).ToList())
            {
                _lastSent.Remove(stale);
            }
        }

        return next;
    }

    /// <summary>
    /// The least time between two sends. Each send is one write on every open wallboard, and that
    /// cost grows with sends × wallboards (measured: 500 wallboards sent to 32 times a second took
    /// 42 % of ingest throughput, 4 times a second 16 %), so the interval grows with the number of
    /// wallboards, from the minimum (a change shows at once on a few screens) to the maximum.
    /// </summary>
    private TimeSpan SendInterval(int wallboards)
    {
        var o = options.Value;
        var ms = Math.Clamp(wallboards * o.WallboardSendMillisecondsPerViewer, o.WallboardMinSendIntervalMilliseconds, o.WallboardMaxSendIntervalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }

    private void Signal()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _signal.Release();
        }
    }

    private static byte[] Frame<T>(ReadOnlySpan<byte> prefix, string name, T payload)
    {
        var writer = new ArrayBufferWriter<byte>(4096);
        writer.Write(prefix);
        WriteFrame(writer, name, payload);
        return writer.WrittenSpan.ToArray();
    }

    private static void WriteFrame<T>(ArrayBufferWriter<byte> writer, string name, T payload)
    {
        writer.Write("event: "u8);
        writer.Write(System.Text.Encoding.ASCII.GetBytes(name));
        writer.Write("\ndata: "u8);
        using (var json = new Utf8JsonWriter(writer))
        {
            JsonSerializer.Serialize(json, payload, ContractJson.Options);
        }

        writer.Write("\n\n"u8);
    }

    private static ReadOnlySpan<byte> SnapshotRetry => "retry: 1000\n\n"u8;

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _signal.Dispose();
    }
}

/// <summary>The first frame of a wallboard stream: every active call, by attention, and the fleet's latency against the budget.</summary>
public sealed record WallboardSnapshot(DateTimeOffset At, IReadOnlyList<WallboardSummary> Calls, FleetLatency? Latency);
