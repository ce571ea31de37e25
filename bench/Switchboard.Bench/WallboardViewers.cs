using System.Net.Http.Headers;

namespace Switchboard.Bench;

/// <summary>Open wallboard streams, each read to the end as a browser would, counting what they receive.</summary>
internal sealed class WallboardViewers : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _client;
    private readonly List<Task> _readers = [];
    private long _bytes;
    private int _open;

    private WallboardViewers(Uri baseAddress, string viewerKey)
    {
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", viewerKey);
    }

    /// <summary>Bytes received on all streams so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Streams that got their first bytes (the snapshot) and are still open.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Opens <paramref name="count"/> streams and waits until each has received its snapshot.</summary>
    public static async Task<WallboardViewers> OpenAsync(Uri baseAddress, string viewerKey, int count, CancellationToken cancellationToken)
    {
        var viewers = new WallboardViewers(baseAddress, viewerKey);
        for (var i = 0; i < count; i++)
        {
            viewers._readers.Add(viewers.ReadAsync());
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (viewers.Open < count)
        {
            await Task.Delay(50, timeout.Token);
        }

        return viewers;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers);
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            using var response = await _client.GetAsync("/api/v1/wallboard/stream", HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync(_stop.Token);
            var buffer = new byte[16 * 1024];
            var first = true;
            int read;
            while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
            {
                Interlocked.Add(ref _bytes, read);
                if (first)
                {
                    first = false;
                    Interlocked.Increment(ref _open);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
        }
    }
}
