using System.Threading.Channels;

namespace Switchboard.Server.Calls;

/// <summary>
/// One wallboard connection: the chunks of SSE frames the feed built for every wallboard, in order,
/// in a bounded buffer. A wallboard too slow to take them is closed (<see cref="Overflowed"/>) and
/// reconnects for a fresh snapshot; it never holds the feed or the other wallboards back.
/// </summary>
public sealed class WallboardSubscriber : IDisposable
{
    private readonly WallboardFeed _feed;
    private readonly Channel<ReadOnlyMemory<byte>> _chunks;
    private int _disposed;
    private int _overflowed;

    internal WallboardSubscriber(WallboardFeed feed, int capacity, bool masked)
    {
        _feed = feed;
        Masked = masked;
        _chunks = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The chunks to write, each one or more complete SSE frames.</summary>
    public ChannelReader<ReadOnlyMemory<byte>> Chunks => _chunks.Reader;

    /// <summary>True when this wallboard sees personal data masked.</summary>
    public bool Masked { get; }

    /// <summary>True when the connection fell too far behind and was closed.</summary>
    public bool Overflowed => Volatile.Read(ref _overflowed) == 1;

    internal bool IsDisposed => Volatile.Read(ref _disposed) == 1;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _chunks.Writer.TryComplete();
            _feed.Remove(this);
        }
    }

    internal void Offer(ReadOnlyMemory<byte> chunk)
    {
        if (!_chunks.Writer.TryWrite(chunk) && !IsDisposed)
        {
            Operations.SwitchboardMetrics.Overflows.Add(1, new KeyValuePair<string, object?>("stream", "wallboard"));
            Complete(overflowed: true);
        }
    }

    internal void Complete(bool overflowed)
    {
        if (overflowed)
        {
            Interlocked.Exchange(ref _overflowed, 1);
        }

        _chunks.Writer.TryComplete();
        _feed.Remove(this);
    }
}
