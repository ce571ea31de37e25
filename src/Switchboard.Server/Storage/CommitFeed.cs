using Switchboard.Contracts.Events;

namespace Switchboard.Server.Storage;

/// <summary>
/// Where a node's live views get the log from when several nodes write it: this node's own
/// commits and other nodes' commits (read back after their notification) are its two inputs, and
/// it hands the <see cref="ICommitSink"/> every call's events exactly once, in seq order, with no
/// hole. An event that arrives ahead of one not seen yet (another node committed it first) has
/// the missing range read from the log before it; one already delivered is dropped.
/// </summary>
internal sealed class CommitFeed
{
    private readonly ICommitSink _sink;
    private readonly IFeedSource _source;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _delivered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ended = new(StringComparer.Ordinal);
    private long _startMark;
    private long _filled;

    /// <summary>Creates the feed; call <see cref="Seed"/> before the first commit.</summary>
    public CommitFeed(ICommitSink sink, IFeedSource source)
    {
        _sink = sink;
        _source = source;
    }

    /// <summary>Events read from the log to fill a hole or to follow another node.</summary>
    public long FilledEvents => Interlocked.Read(ref _filled);

    /// <summary>
    /// Starts the feed where the log is: the active calls at their last seq (their events are
    /// already folded by the start-up rebuild), and the mark of the calls stored so far.
    /// </summary>
    public void Seed(long startMark, IEnumerable<(string CallId, long LastSeq)> active)
    {
        lock (_gate)
        {
            _startMark = startMark;
            foreach (var (callId, lastSeq) in active)
            {
                _delivered[callId] = lastSeq;
            }
        }
    }

    /// <summary>The calls this feed follows and how far each was delivered (for the catch-up pass).</summary>
    public Dictionary<string, long> Positions()
    {
        lock (_gate)
        {
            return new Dictionary<string, long>(_delivered, StringComparer.Ordinal);
        }
    }

    /// <summary>This node's commit: delivered at once, after any events of other nodes it depends on.</summary>
    public void OnLocal(CommittedBatch batch)
    {
        lock (_gate)
        {
            var ranges = new List<(string CallId, long After, long UpTo)>();
            var endedBefore = new HashSet<string>(batch.EndedBefore, StringComparer.Ordinal);
            var firstSeq = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var e in batch.Events)
            {
                firstSeq.TryAdd(e.CallId, e.Seq);
            }

            // A call new to this feed whose first event here is not its first was stored before:
            // ask the log whether it had ended before this feed started.
            var old = Describe(firstSeq.Where(f => f.Value > 1).Select(f => f.Key));
            foreach (var (callId, first) in firstSeq)
            {
                var delivered = Delivered(callId, old, endedBefore);
                if (first > delivered + 1)
                {
                    ranges.Add((callId, delivered, first - 1));
                }
            }

            var events = new List<StoredEvent>(batch.Events.Count);
            if (ranges.Count > 0)
            {
                var filled = _source.Read(ranges);
                Interlocked.Add(ref _filled, filled.Count);
                events.AddRange(filled);
            }

            events.AddRange(batch.Events);
            Deliver(events, endedBefore);
        }
    }

    /// <summary>Another node's commit (or the catch-up pass): reads what this node has not delivered yet.</summary>
    public void OnRemote(IReadOnlyList<(string CallId, long LastSeq)> calls)
    {
        lock (_gate)
        {
            var endedBefore = new HashSet<string>(StringComparer.Ordinal);
            var ranges = new List<(string CallId, long After, long UpTo)>();
            var old = Describe(calls.Select(c => c.CallId));
            foreach (var (callId, lastSeq) in calls)
            {
                var delivered = Delivered(callId, old, endedBefore);
                if (lastSeq > delivered)
                {
                    ranges.Add((callId, delivered, lastSeq));
                }
            }

            if (ranges.Count == 0)
            {
                return;
            }

            var events = _source.Read(ranges);
            Interlocked.Add(ref _filled, events.Count);
            Deliver(events, endedBefore);
        }
    }

    /// <summary>
    /// The calls among <paramref name="callIds"/> this feed has not seen that were stored before
    /// it started, with the seq of their first <c>call.ended</c> (null for one still open then).
    /// </summary>
    private Dictionary<string, long?> Describe(IEnumerable<string> callIds)
    {
        var unknown = callIds.Where(c => !_delivered.ContainsKey(c)).Distinct(StringComparer.Ordinal).ToList();
        return unknown.Count == 0 ? [] : _source.DescribeStoredBefore(_startMark, unknown);
    }

    /// <summary>
    /// How far a call was delivered. A call this feed has not seen is new (nothing delivered)
    /// unless it was stored before the feed started and had ended by then (it was not among the
    /// active calls): then only what came after its end is new (late events, which never revive it).
    /// </summary>
    private long Delivered(string callId, Dictionary<string, long?> old, HashSet<string> endedBefore)
    {
        if (_delivered.TryGetValue(callId, out var delivered))
        {
            return delivered;
        }

        if (!old.TryGetValue(callId, out var firstEnd) || firstEnd is null)
        {
            return 0;
        }

        endedBefore.Add(callId);
        return firstEnd.Value;
    }

    private void Deliver(List<StoredEvent> events, HashSet<string> endedBefore)
    {
        var fresh = new List<StoredEvent>(events.Count);
        foreach (var e in events)
        {
            if (_ended.Contains(e.CallId))
            {
                // Ended in an earlier delivery: what follows is late and never revives the call.
                endedBefore.Add(e.CallId);
            }
        }

        foreach (var e in events)
        {
            if (e.Type == EventTypes.CallEnded)
            {
                _ended.Add(e.CallId);
            }

            var delivered = _delivered.GetValueOrDefault(e.CallId);
            if (e.Seq == delivered + 1)
            {
                _delivered[e.CallId] = e.Seq;
                fresh.Add(e);
            }
            else if (e.Seq > delivered + 1 && endedBefore.Contains(e.CallId))
            {
                // Late events of a call that ended before this node started: nothing before them is delivered here.
                _delivered[e.CallId] = e.Seq;
                fresh.Add(e);
            }
        }

        if (fresh.Count > 0)
        {
            _sink.OnCommitted(new CommittedBatch(fresh, endedBefore));
        }
    }
}

/// <summary>What <see cref="CommitFeed"/> reads from the log.</summary>
internal interface IFeedSource
{
    /// <summary>The events of each call with after &lt; seq ≤ upTo, in seq order per call.</summary>
    List<StoredEvent> Read(IReadOnlyList<(string CallId, long After, long UpTo)> ranges);

    /// <summary>
    /// Of <paramref name="callIds"/>, those stored at or before <paramref name="mark"/>, each with
    /// the seq of its first <c>call.ended</c> (null when it has not ended).
    /// </summary>
    Dictionary<string, long?> DescribeStoredBefore(long mark, IReadOnlyList<string> callIds);
}
