using System.Threading.Channels;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Streaming;

/// <summary>
/// A subscriber's bounded buffer of events. When it is full the subscription is closed and
/// marked <see cref="Overflowed"/>: the subscriber must resume from its last seq. Events are never
/// silently skipped.
/// </summary>
public sealed class Subscription : IDisposable
{
    private readonly Channel<StoredEvent> _channel;
    private readonly Action<Subscription> _onDispose;
    private int _overflowed;

    internal Subscription(string? callId, int capacity, Action<Subscription> onDispose)
    {
        CallId = callId;
        _onDispose = onDispose;
        _channel = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The call subscribed to, or null for every call.</summary>
    public string? CallId { get; }

    /// <summary>The events, in publish order.</summary>
    public ChannelReader<StoredEvent> Reader => _channel.Reader;

    /// <summary>True when the buffer overflowed and the subscription was closed.</summary>
    public bool Overflowed => Volatile.Read(ref _overflowed) == 1;

    /// <summary>Removes the subscription from the hub.</summary>
    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _onDispose(this);
    }

    internal void Deliver(StoredEvent e)
    {
        if (!_channel.Writer.TryWrite(e) && Interlocked.Exchange(ref _overflowed, 1) == 0)
        {
            _channel.Writer.TryComplete();
            Operations.SwitchboardMetrics.Overflows.Add(1, new KeyValuePair<string, object?>("stream", CallId is null ? "calls" : "call"));
        }
    }
}
