using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Archive;
using Switchboard.Server.Calls;
using Switchboard.Server.Operations;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Latency;

/// <summary>
/// The fleet's latency against the budget, on this node: follows every committed <c>metrics.turn</c>
/// into a <see cref="FleetLatencyWindow"/> and, each <see cref="Period"/>, reads the window, raises or
/// clears the stages' alerts (<see cref="LatencyAlarm"/>, logged) and sends the figures to the
/// wallboards when they changed. It appends no events, so every node runs it on its own copy of the
/// same log and no lease is needed.
/// </summary>
public sealed partial class LatencyWatch : BackgroundService
{
    /// <summary>How often the window is read.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private const int Capacity = 100_000;
    private const int Batch = 500;
    private readonly EventHub _hub;
    private readonly IEventStore _store;
    private readonly LiveCalls _live;
    private readonly WallboardFeed _wallboard;
    private readonly TimeProvider _clock;
    private readonly ILogger<LatencyWatch> _logger;
    private readonly LatencyBudget _budget;
    private readonly FleetLatencyWindow _window;
    private readonly LatencyAlarm _alarm = new();
    private FleetLatency _current;
    private LogFollower? _follower;

    /// <summary>Creates the watch with an empty window.</summary>
    public LatencyWatch(EventHub hub, IEventStore store, LiveCalls live, WallboardFeed wallboard, IOptions<ScorecardOptions> scorecards, TimeProvider clock, ILogger<LatencyWatch> logger)
    {
        (_hub, _store, _live, _wallboard, _clock, _logger) = (hub, store, live, wallboard, clock, logger);
        _budget = scorecards.Value.Budget;
        _window = new FleetLatencyWindow(_budget);
        _current = View(clock.GetUtcNow(), _window.Read(clock.GetUtcNow()));
    }

    /// <summary>The figures of the last reading.</summary>
    public FleetLatency Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    /// <remarks>Follows the log before the server takes requests, so no turn of the first requests is missed.</remarks>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _follower = await LogFollower.StartAsync(_hub, _store, Capacity, [], cancellationToken);
        _wallboard.SetLatency(Current);
        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _follower?.Dispose();
    }

    /// <summary>Reads the window at <paramref name="now"/>: raises and clears alerts, and tells the wallboards of a change.</summary>
    public FleetLatency Evaluate(DateTimeOffset now)
    {
        var readings = _window.Read(now);
        foreach (var change in _alarm.Next(readings, now))
        {
            var r = change.Reading;
            if (change.Raised)
            {
                LogRaised(r.Stage, r.P95Ms ?? 0, r.BudgetMs, r.Turns);
            }
            else
            {
                LogCleared(r.Stage, r.P95Ms, r.BudgetMs, r.Turns);
            }
        }

        var view = View(now, readings);
        var previous = Interlocked.Exchange(ref _current, view);
        if (!view.SameFiguresAs(previous))
        {
            _wallboard.SetLatency(view);
        }

        return view;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var follower = _follower ?? throw new InvalidOperationException("The watch was not started.");
        await Task.WhenAll(
            FollowAsync(follower, stoppingToken),
            BackgroundPass.RunEveryAsync(Period, _clock, _logger, "the latency watch", _ => Task.FromResult(Evaluate(_clock.GetUtcNow())), stoppingToken));
    }

    private async Task FollowAsync(LogFollower follower, CancellationToken stoppingToken)
    {
        var batch = new List<StoredEvent>(Batch);
        try
        {
            while (await follower.NextAsync(batch, Batch, stoppingToken))
            {
                foreach (var e in batch)
                {
                    if (e.Type == EventTypes.MetricsTurn)
                    {
                        _window.Record(e.ReceivedAt, e.Data);
                    }
                    else if (e.Type == EventTypes.CallEnded)
                    {
                        follower.Forget(e.CallId);
                    }
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private FleetLatency View(DateTimeOffset now, IReadOnlyList<StageReading> readings)
    {
        var callsOver = new int[readings.Count];
        foreach (var call in _live.Active)
        {
            foreach (var breach in CallLatency.OverBudget(call.RecentLatency, _budget) ?? [])
            {
                for (var i = 0; i < readings.Count; i++)
                {
                    callsOver[i] += readings[i].Stage == breach.Stage ? 1 : 0;
                }
            }
        }

        var stages = new FleetStageLatency[readings.Count];
        for (var i = 0; i < stages.Length; i++)
        {
            var (r, since) = (readings[i], _alarm.AlertingSince(readings[i].Stage));
            stages[i] = new FleetStageLatency(r.Stage, r.BudgetMs, r.Turns, r.P95Ms, r.Over, since is not null, since, callsOver[i]);
        }

        return new FleetLatency(now, (int)FleetLatencyWindow.Span.TotalSeconds, stages);
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Latency budget broken: the {Stage} p95 of the last 5 minutes is {P95Ms} ms, over its budget of {BudgetMs} ms ({Turns} turns)")]
    private partial void LogRaised(string stage, double p95Ms, double budgetMs, int turns);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Latency budget met again: the {Stage} p95 of the last 5 minutes is {P95Ms} ms, its budget {BudgetMs} ms ({Turns} turns)")]
    private partial void LogCleared(string stage, double? p95Ms, double budgetMs, int turns);
}
