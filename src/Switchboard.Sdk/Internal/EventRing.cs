namespace Switchboard.Sdk.Internal;

/// <summary>A fixed-size FIFO of events (not thread-safe: <see cref="OutboundQueue"/> guards it). Allocates once.</summary>
internal sealed class EventRing(int capacity)
{
    private readonly QueuedEvent?[] _items = new QueuedEvent?[capacity];
    private int _head;
    private int _count;

    public int Count => _count;

    public QueuedEvent? Peek() => _count == 0 ? null : _items[_head];

    /// <summary>Adds at the tail; the caller makes room first.</summary>
    public void Push(QueuedEvent e)
    {
        _items[(_head + _count) % _items.Length] = e;
        _count++;
    }

    public QueuedEvent? Take()
    {
        if (_count == 0)
        {
            return null;
        }

        var e = _items[_head];
        _items[_head] = null;
        _head = (_head + 1) % _items.Length;
        _count--;
        return e;
    }
}
