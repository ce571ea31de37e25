using System.Collections.Concurrent;
using System.Threading.Channels;
using Switchboard.Contracts.Events;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Calls;

/// <summary>
/// The state of every active call, kept current from committed events, and the commit sink that
/// updates it before handing the events to live subscribers (so a client that was acknowledged
/// can read its effect at once).
/// </summary>
public sealed class LiveCalls : ICommitSink, ICallStates
{
    private readonly EventHub _hub;
    private readonly WallboardFeed _wallboard;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, CallState> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastHeard = new(StringComparer.Ordinal);
    private readonly Channel<CallState> _ended = Channel.CreateBounded<CallState>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>Creates the live state; the wallboard feed reads the calls' states from it.</summary>
    public LiveCalls(EventHub hub, WallboardFeed wallboard, TimeProvider clock)
    {
        _hub = hub;
        _wallboard = wallboard;
        _clock = clock;
        wallboard.Bind(this);
    }

    /// <summary>The final states of calls as they end, for <see cref="CallSnapshotWriter"/>.</summary>
    public ChannelReader<CallState> EndedStates => _ended.Reader;

    /// <summary>Active calls.</summary>
    public ICollection<CallState> Active => _active.Values;

    /// <summary>Number of active calls.</summary>
    public int Count => _active.Count;

    /// <summary>The state of an active call.</summary>
    public CallState? Find(string callId) => _active.GetValueOrDefault(callId);

    /// <summary>When the agent of a call was last heard from (event or heartbeat).</summary>
    public DateTimeOffset? LastHeard(string callId) =>
        _lastHeard.TryGetValue(callId, out var ticks) ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <inheritdoc />
    public void OnCommitted(CommittedBatch batch)
    {
        var now = _clock.GetUtcNow().UtcTicks;
        HashSet<string>? endedNow = null;
        foreach (var e in batch.Events)
        {
            // Late events (after the call's end, in an earlier batch or this one) are stored but never revive the call.
            if (batch.EndedBefore.Contains(e.CallId) || endedNow?.Contains(e.CallId) == true)
            {
                continue;
            }

            var state = CallProjection.Apply(_active.GetValueOrDefault(e.CallId), e);
            if (state.Status == "ended")
            {
                _active.TryRemove(e.CallId, out _);
                _lastHeard.TryRemove(e.CallId, out _);
                _ended.Writer.TryWrite(state);
                (endedNow ??= new HashSet<string>(StringComparer.Ordinal)).Add(e.CallId);
            }
            else
            {
                _active[e.CallId] = state;
                _lastHeard[e.CallId] = now;
            }

            _wallboard.MarkChanged(e.CallId, state);
        }

        _hub.Publish(batch.Events);
    }

    /// <summary>Ephemeral events: the agent is alive; fan them out.</summary>
    public void OnEphemeral(IReadOnlyList<StoredEvent> events)
    {
        var now = _clock.GetUtcNow().UtcTicks;
        foreach (var e in events)
        {
            if (_active.ContainsKey(e.CallId))
            {
                _lastHeard[e.CallId] = now;
            }
        }

        _hub.Publish(events);
    }

    /// <summary>
    /// Sets the attention score of an active call (computed outside the fold) and tells the
    /// _wallboard. A concurrent commit may carry over an older score; the next re-evaluation
    /// corrects it.
    /// </summary>
    public bool SetAttention(string callId, AttentionView attention)
    {
        while (_active.TryGetValue(callId, out var state))
        {
            if (_active.TryUpdate(callId, state with { Attention = attention }, state))
            {
                _wallboard.MarkChanged(callId, _active.GetValueOrDefault(callId) ?? state);
                return true;
            }
        }

        return false;
    }

    /// <summary>Replaces the state of a call during the start-up rebuild.</summary>
    internal void Restore(CallState state)
    {
        if (state.Status == "ended")
        {
            return;
        }

        _active[state.CallId] = state;
        // Agents get a full timeout to reconnect after a restart of the server.
        _lastHeard[state.CallId] = _clock.GetUtcNow().UtcTicks;
    }
}
