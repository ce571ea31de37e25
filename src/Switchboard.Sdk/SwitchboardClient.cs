using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Contracts.Commands;
using Switchboard.Sdk.Internal;

namespace Switchboard.Sdk;

/// <summary>
/// The connection of one agent process to Switchboard. Create one per process (it is thread-safe),
/// open a <see cref="CallReporter"/> per call, and dispose the client at shutdown. A background
/// task connects, batches, resends after reconnects and sends heartbeats; nothing the agent calls
/// waits for the network (docs/SDK.md).
/// </summary>
public sealed class SwitchboardClient : IAsyncDisposable
{
    private static readonly TimeSpan DropReportInterval = TimeSpan.FromSeconds(1);
    private readonly SwitchboardClientOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly OutboundQueue _queue;
    private readonly EventSender _sender;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpMessageInvoker _invoker;
    private readonly ConcurrentDictionary<string, CallReporter> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<CallReporter, byte> _dropped = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _senderTask;
    private readonly Task _heartbeatTask;
    private long _reported;
    private long _lastDropReport;
    private int _disposed;

    /// <summary>Creates the client and starts its background sender.</summary>
    /// <param name="options">The configuration; checked here.</param>
    /// <param name="loggerFactory">Logging, optional.</param>
    /// <param name="timeProvider">The clock (tests); the system clock by default.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public SwitchboardClient(SwitchboardClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Switchboard client options: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _clock = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Switchboard.Sdk");
        _queue = new OutboundQueue(options.MaxQueuedEvents);
        _handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(10) };
        _invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
        _sender = new EventSender(this, options, _queue, _invoker, _clock, _logger);
        _senderTask = Task.Run(() => _sender.RunAsync(_stop.Token), CancellationToken.None);
        _heartbeatTask = Task.Run(HeartbeatLoopAsync, CancellationToken.None);
    }

    /// <summary>The current counters.</summary>
    public SwitchboardStatistics Statistics => new()
    {
        Reported = Interlocked.Read(ref _reported),
        Acknowledged = _sender.Acknowledged,
        Pending = _queue.Count,
        DroppedEphemeral = _queue.DroppedEphemeral,
        DroppedDurable = _queue.DroppedDurable,
        Refused = _sender.Invalid,
        Reconnects = _sender.Reconnects,
        Connected = _sender.Connected,
    };

    /// <summary>Starts reporting for a call: returns its reporter, which also receives the call's commands.</summary>
    /// <param name="callId">The call's id: the LiveKit room SID, or another unique id of at most 128 characters.</param>
    /// <exception cref="ArgumentException">The id is empty or too long.</exception>
    /// <exception cref="InvalidOperationException">A reporter for this call is already open in this client.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public CallReporter OpenCall(string callId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (string.IsNullOrWhiteSpace(callId) || callId.Length > Contracts.Events.Limits.ShortText)
        {
            throw new ArgumentException($"A call id is 1 to {Contracts.Events.Limits.ShortText} characters.", nameof(callId));
        }

        var reporter = new CallReporter(this, callId, _logger);
        if (!_calls.TryAdd(callId, reporter))
        {
            throw new InvalidOperationException($"Call '{callId}' is already open in this client; dispose its reporter first.");
        }

        _sender.Subscribe(callId);
        _queue.Signal();
        return reporter;
    }

    /// <summary>
    /// Waits until every event reported before this call has been acknowledged by the server (or
    /// dropped by the overflow policy). Never needed for correctness; useful before a planned exit.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = _queue.LastStamp;
        while (Math.Min(_queue.OldestQueuedStamp(), _sender.InFlightOldest) <= target)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Tries to deliver what is queued for up to <see cref="SwitchboardClientOptions.ShutdownTimeout"/>, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var call in _calls.Values)
        {
            call.Dispose();
        }

        if (_options.ShutdownTimeout > TimeSpan.Zero)
        {
            using var timeout = new CancellationTokenSource(_options.ShutdownTimeout, _clock);
            try
            {
                await FlushAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_senderTask, _heartbeatTask).ConfigureAwait(false);
        _invoker.Dispose();
        _handler.Dispose();
        _stop.Dispose();
    }

    internal bool HasCalls => !_calls.IsEmpty;

    internal long NowTicks() => _clock.GetUtcNow().UtcTicks;

    internal TimeProvider Clock => _clock;

    internal void Enqueue(QueuedEvent e)
    {
        Interlocked.Increment(ref _reported);
        _queue.Enqueue(e);
    }

    internal IReadOnlyList<string> ActiveCallIds() => [.. _calls.Keys];

    internal void DeliverCommand(AgentCommand command)
    {
        // A frame without ids cannot be acknowledged; the server never sends one, but it must not stop the receive loop.
        if (string.IsNullOrEmpty(command.CommandId) || string.IsNullOrEmpty(command.CallId))
        {
            return;
        }

        if (_calls.TryGetValue(command.CallId, out var call))
        {
            call.Deliver(command);
        }
    }

    internal void Forget(CallReporter call) => _calls.TryRemove(new KeyValuePair<string, CallReporter>(call.CallId, call));

    internal void MarkDropped(CallReporter call) => _dropped.TryAdd(call, 0);

    internal void BadCustomType(string type) => _logger.BadCustomType(type);

    /// <summary>
    /// Reports each call's dropped events as a durable <c>x-sdk.dropped</c> event, so the call's
    /// log says where it has gaps; at most once a second unless forced (after a reconnect).
    /// </summary>
    internal void ReportDropsIfDue(bool force = false)
    {
        if (_dropped.IsEmpty)
        {
            return;
        }

        var now = NowTicks();
        if (!force && now - Interlocked.Read(ref _lastDropReport) < DropReportInterval.Ticks)
        {
            return;
        }

        Interlocked.Exchange(ref _lastDropReport, now);
        _logger.Dropped(_queue.DroppedEphemeral, _queue.DroppedDurable);
        foreach (var call in _dropped.Keys)
        {
            _dropped.TryRemove(call, out _);
            var (ephemeral, durable) = call.TakeDropped();
            if (ephemeral + durable > 0)
            {
                call.Custom(DroppedEventType, new DroppedReport(ephemeral, durable));
            }
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval / 2, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var quietSince = NowTicks() - (_options.HeartbeatInterval.Ticks * 9 / 10);
                foreach (var call in _calls.Values)
                {
                    if (!call.IsEnded && call.LastReportedTicks < quietSince)
                    {
                        call.Heartbeat();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The custom event type reporting dropped events.</summary>
    internal const string DroppedEventType = "x-sdk.dropped";

    private sealed record DroppedReport(long Ephemeral, long Durable);
}
