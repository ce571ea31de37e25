using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Switchboard.Server.Calls;

/// <summary>One wallboard connection's pending changes.</summary>
public sealed class WallboardSubscriber : IDisposable
{
    private readonly WallboardFeed _feed;
    private readonly ConcurrentDictionary<string, CallState> _pending = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    internal WallboardSubscriber(WallboardFeed feed) => _feed = feed;

    /// <summary>Calls with a change not yet sent.</summary>
    public ICollection<string> PendingCalls => _pending.Keys;

    /// <summary>Waits until something changed.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _signal.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Clears the change signal before looking at <see cref="PendingCalls"/>.</summary>
    public void ResetSignal() => _signal.Reader.TryRead(out _);

    /// <summary>Takes the latest state of a changed call, atomically.</summary>
    public bool TryTake(string callId, out CallState state) => _pending.TryRemove(callId, out state!);

    /// <inheritdoc />
    public void Dispose() => _feed.Remove(this);

    internal void Mark(string callId, CallState state)
    {
        // A later event's state is never replaced by an earlier one (updates come from several threads).
        _pending.AddOrUpdate(callId, state, (_, pending) => pending.LastSeq > state.LastSeq ? pending : state);
        _signal.Writer.TryWrite(true);
    }
}
