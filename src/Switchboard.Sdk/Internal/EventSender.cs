using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts.Events;

namespace Switchboard.Sdk.Internal;

/// <summary>
/// The background sender: connects (with backoff), sends one batch at a time, waits for its
/// acknowledgement, and resends the same batch — the same event ids — after a reconnect, so the
/// server stores each event once and each call's events in report order.
/// </summary>
internal sealed class EventSender(
    SwitchboardClient client, SwitchboardClientOptions options, OutboundQueue queue, HttpMessageInvoker invoker, TimeProvider clock, ILogger logger)
{
    private static readonly TimeSpan HttpFallbackFor = TimeSpan.FromMinutes(5);
    private readonly List<QueuedEvent> _batch = new(options.MaxBatchEvents);
    private readonly List<QueuedEvent> _carry = [];
    private readonly ArrayBufferWriter<byte> _eventBuffer = new(4096);
    private readonly ArrayBufferWriter<byte> _array = new(64 * 1024);
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _subscribe = new();
    private IBatchTransport? _transport;
    private int _failures;
    private long _httpUntilTicks;
    private long _inFlightOldest = long.MaxValue;
    private long _acknowledged;
    private long _invalid;
    private long _reconnects;
    private bool _everConnected;

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long Invalid => Interlocked.Read(ref _invalid);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public bool Connected => _transport is { IsOpen: true };

    /// <summary>The smallest stamp drained from the queue and not yet acknowledged or given up.</summary>
    public long InFlightOldest => Interlocked.Read(ref _inFlightOldest);

    /// <summary>Asks for a newly opened call's commands at once, before it reports anything.</summary>
    public void Subscribe(string callId) => _subscribe.Enqueue(callId);

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await StepAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.SenderError(ex);
                await CloseTransportAsync().ConfigureAwait(false);
                await DelayAsync(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
        }

        await CloseTransportAsync().ConfigureAwait(false);
    }

    private async Task StepAsync(CancellationToken stop)
    {
        if (_batch.Count == 0)
        {
            Fill();
        }

        if (_batch.Count == 0 && !client.HasCalls)
        {
            await queue.WaitAsync(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            return;
        }

        if (_transport is not { IsOpen: true } && !await ConnectAsync(stop).ConfigureAwait(false))
        {
            return;
        }

        if (!_subscribe.IsEmpty)
        {
            var ids = new List<string>();
            while (_subscribe.TryDequeue(out var id))
            {
                ids.Add(id);
            }

            await _transport!.SubscribeAsync(ids, stop).ConfigureAwait(false);
        }

        if (_batch.Count == 0)
        {
            await queue.WaitAsync(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            return;
        }

        var array = Encode();
        if (_batch.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var outcome = await _transport!.SendAsync(array, options.AckTimeout, stop).ConfigureAwait(false);
        await HandleAsync(outcome, started, stop).ConfigureAwait(false);
    }

    private void Fill()
    {
        Interlocked.Exchange(ref _inFlightOldest, Math.Min(queue.OldestQueuedStamp(), queue.LastStamp + 1));
        var fromCarry = Math.Min(_carry.Count, options.MaxBatchEvents);
        _batch.AddRange(_carry.GetRange(0, fromCarry));
        _carry.RemoveRange(0, fromCarry);
        queue.Drain(_batch, options.MaxBatchEvents, StaleBefore());
        UpdateInFlightOldest();
    }

    private long StaleBefore() => clock.GetUtcNow().UtcTicks - options.EphemeralMaxAge.Ticks;

    private void UpdateInFlightOldest()
    {
        var oldest = _batch.Count > 0 ? _batch[0].Stamp : long.MaxValue;
        if (_carry.Count > 0 && _carry[0].Stamp < oldest)
        {
            oldest = _carry[0].Stamp;
        }

        Interlocked.Exchange(ref _inFlightOldest, oldest);
    }

    /// <summary>Serialises the batch as a JSON array within the server's byte limit; what does not fit waits for the next batch.</summary>
    private ReadOnlyMemory<byte> Encode()
    {
        _array.ResetWrittenCount();
        _array.Write("["u8);
        var staleBefore = StaleBefore();
        var budget = Limits.MaxBatchBytes - 1024;
        for (var i = 0; i < _batch.Count; i++)
        {
            var e = _batch[i];
            byte[]? json = null;
            if (!(e.IsEphemeral && e.AtTicks < staleBefore))
            {
                try
                {
                    json = e.Serialize(_eventBuffer);
                }
                catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException or System.Text.Json.JsonException)
                {
                    logger.TooLarge(e.Type, e.Call.CallId);
                }

                if (json is { Length: var length } && length > QueuedEvent.MaxEventBytes)
                {
                    logger.TooLarge(e.Type, e.Call.CallId);
                    json = null;
                }
            }

            if (json is null)
            {
                queue.Discarded(e);
                _batch.RemoveAt(i--);
                continue;
            }

            if (_array.WrittenCount + json.Length + 1 > budget && i > 0)
            {
                _carry.InsertRange(0, _batch.GetRange(i, _batch.Count - i));
                _batch.RemoveRange(i, _batch.Count - i);
                break;
            }

            if (i > 0)
            {
                _array.Write(","u8);
            }

            _array.Write(json);
        }

        _array.Write("]"u8);
        UpdateInFlightOldest();
        return _array.WrittenMemory;
    }

    private async Task HandleAsync(BatchOutcome outcome, long started, CancellationToken stop)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Acked:
                SdkMetrics.AckLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                var durable = outcome.Results?.Count(r => r.Seq > 0) ?? 0;
                SdkMetrics.Acknowledged.Add(durable, new KeyValuePair<string, object?>("durable", true));
                SdkMetrics.Acknowledged.Add(_batch.Count - durable, new KeyValuePair<string, object?>("durable", false));
                Interlocked.Add(ref _acknowledged, _batch.Count);
                queue.Completed(_batch.Count);
                _batch.Clear();
                UpdateInFlightOldest();
                _failures = 0;
                client.ReportDropsIfDue();
                break;
            case OutcomeKind.Invalid when outcome.InvalidIndexes is { Count: > 0 } indexes:
                foreach (var index in indexes.Where(i => i >= 0 && i < _batch.Count).OrderDescending())
                {
                    _batch.RemoveAt(index);
                    queue.Completed(1);
                    Interlocked.Increment(ref _invalid);
                    SdkMetrics.Dropped.Add(1);
                }

                logger.InvalidDropped(indexes.Count, outcome.Message);
                UpdateInFlightOldest();
                break;
            case OutcomeKind.Retry:
                var delay = Backoff.Delay(_failures++, options.ReconnectDelayMin, options.ReconnectDelayMax);
                logger.BatchRetry(outcome.Message, delay.TotalMilliseconds);
                await DelayAsync(delay, stop).ConfigureAwait(false);
                break;
            case OutcomeKind.Disconnected:
                logger.Disconnected(outcome.Message ?? "unknown");
                await CloseTransportAsync().ConfigureAwait(false);
                await DelayAsync(Backoff.Delay(_failures++, options.ReconnectDelayMin, options.ReconnectDelayMax), stop).ConfigureAwait(false);
                break;
            default:
                logger.BatchFatal(_batch.Count, outcome.Message);
                Interlocked.Add(ref _invalid, _batch.Count);
                SdkMetrics.Dropped.Add(_batch.Count);
                queue.Completed(_batch.Count);
                _batch.Clear();
                UpdateInFlightOldest();
                break;
        }
    }

    private async Task<bool> ConnectAsync(CancellationToken stop)
    {
        await CloseTransportAsync().ConfigureAwait(false);
        var server = options.ServerUrl!;
        var now = clock.GetUtcNow().UtcTicks;
        var useHttp = options.Transport == SwitchboardTransport.Http
            || (options.Transport == SwitchboardTransport.Auto && now < _httpUntilTicks);
        try
        {
            _transport = useHttp
                ? new HttpTransport(invoker, server, options.ApiKey!)
                : await WebSocketTransport.ConnectAsync(server, options.ApiKey!, invoker, client.DeliverCommand, queue.Signal, stop).ConfigureAwait(false);
        }
        catch (WebSocketUpgradeException ex) when (!stop.IsCancellationRequested)
        {
            if (options.Transport == SwitchboardTransport.Auto && ex.Status is >= 400 and < 500 and not (401 or 403 or 408 or 429))
            {
                _httpUntilTicks = now + HttpFallbackFor.Ticks;
                logger.HttpFallback(ex.Status, HttpFallbackFor.TotalMinutes);
                _transport = new HttpTransport(invoker, server, options.ApiKey!);
            }
            else
            {
                if (ex.Status is 401 or 403)
                {
                    logger.Unauthorized(ex.Status);
                }

                var delay = Backoff.Delay(_failures++, options.ReconnectDelayMin, options.ReconnectDelayMax);
                logger.ConnectFailed(server, ex.Message, delay.TotalMilliseconds);
                await DelayAsync(delay, stop).ConfigureAwait(false);
                return false;
            }
        }

        if (_everConnected)
        {
            Interlocked.Increment(ref _reconnects);
        }

        _everConnected = true;
        logger.Connected(server, _transport.Name);
        _subscribe.Clear();
        await _transport.SubscribeAsync(client.ActiveCallIds(), stop).ConfigureAwait(false);
        client.ReportDropsIfDue(force: true);
        return true;
    }

    private async Task CloseTransportAsync()
    {
        if (_transport is { } transport)
        {
            _transport = null;
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, clock, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
