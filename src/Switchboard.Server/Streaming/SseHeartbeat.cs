namespace Switchboard.Server.Streaming;

/// <summary>
/// Keeps an idle event stream open through proxies: while a stream waits for something to send,
/// a heartbeat comment goes out every interval, for as long as the wait lasts.
/// </summary>
internal sealed class SseHeartbeat(SseWriter sse, TimeSpan interval) : IDisposable
{
    private readonly PeriodicTimer _timer = new(interval);
    private Task<bool>? _tick;

    /// <summary>Waits for <paramref name="wait"/>, sending a heartbeat at each interval that passes first.</summary>
    public async ValueTask<bool> WaitAsync(ValueTask<bool> wait, CancellationToken cancellationToken)
    {
        if (wait.IsCompletedSuccessfully)
        {
            return wait.Result;
        }

        var pending = wait.AsTask();
        while (!pending.IsCompleted)
        {
            // One tick is awaited at a time; a tick not yet used carries over to the next wait.
            _tick ??= _timer.WaitForNextTickAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(pending, _tick) == _tick)
            {
                _tick = null;
                cancellationToken.ThrowIfCancellationRequested();
                sse.WriteHeartbeat();
                await sse.FlushAsync(cancellationToken);
            }
        }

        return await pending;
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
