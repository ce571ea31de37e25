using System.Threading.Channels;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>An SSE stream read in the background (a supervisor "online" while it is open); frames wait in a queue.</summary>
public sealed class LiveStream : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseFrame> _frames = Channel.CreateUnbounded<SseFrame>();
    private readonly Task _reader;

    private LiveStream(HttpClient client, string url)
    {
        _reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var frame in SseReader.ReadAsync(client, url, cancellationToken: _stop.Token))
                {
                    await _frames.Writer.WriteAsync(frame);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (HttpRequestException)
            {
            }
            catch (IOException)
            {
            }
            finally
            {
                _frames.Writer.TryComplete();
            }
        });
    }

    /// <summary>The first frame, which <see cref="OpenAsync"/> waited for.</summary>
    public SseFrame? First { get; private set; }

    /// <summary>Opens the stream and waits for its first frame (so the server has registered it).</summary>
    public static async Task<LiveStream> OpenAsync(HttpClient client, string url, string firstEvent)
    {
        var stream = new LiveStream(client, url);
        stream.First = await stream.NextAsync(firstEvent);
        return stream;
    }

    /// <summary>The next frame with this event name, skipping others.</summary>
    public async Task<SseFrame> NextAsync(string eventName)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var frame = await _frames.Reader.ReadAsync(timeout.Token);
            if (frame.Event == eventName)
            {
                return frame;
            }
        }
    }

    /// <summary>The data of the next frame with this event name that <paramref name="match"/> accepts, skipping others.</summary>
    public async Task<System.Text.Json.JsonElement> NextAsync(string eventName, Func<System.Text.Json.JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var frame = await _frames.Reader.ReadAsync(timeout.Token);
            if (frame.Event == eventName && System.Text.Json.JsonDocument.Parse(frame.Data).RootElement is var data && match(data))
            {
                return data;
            }
        }
    }

    /// <summary>The next help-queue frame about a newly opened request.</summary>
    public Task<System.Text.Json.JsonElement> NextOpenRequestAsync() =>
        NextAsync("request", view => view.GetProperty("request").GetProperty("status").GetString() == "open");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reader;
        _stop.Dispose();
    }
}
