using System.Threading.Channels;

namespace Switchboard.Server.Escalations;

/// <summary>Live changes of help requests for the supervisors' queue streams; a slow reader is closed, never blocks the queue.</summary>
public sealed class HelpQueueFeed
{
    private readonly Lock _gate = new();
    private Channel<HelpRequest>[] _subscribers = [];

    /// <summary>Subscribes; dispose the returned handle when the stream closes.</summary>
    public (ChannelReader<HelpRequest> Reader, IDisposable Handle) Subscribe(int capacity = 1024)
    {
        var channel = Channel.CreateBounded<HelpRequest>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        lock (_gate)
        {
            _subscribers = [.. _subscribers, channel];
        }

        return (channel.Reader, new Unsubscriber(this, channel));
    }

    /// <summary>Hands a changed request to every subscriber.</summary>
    public void Publish(HelpRequest request)
    {
        foreach (var s in Volatile.Read(ref _subscribers))
        {
            if (!s.Writer.TryWrite(request))
            {
                s.Writer.TryComplete();
            }
        }
    }

    private void Remove(Channel<HelpRequest> channel)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Where(s => s != channel).ToArray();
        }

        channel.Writer.TryComplete();
    }

    private sealed class Unsubscriber(HelpQueueFeed feed, Channel<HelpRequest> channel) : IDisposable
    {
        public void Dispose() => feed.Remove(channel);
    }
}
