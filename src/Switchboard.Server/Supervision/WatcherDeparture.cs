using Microsoft.Extensions.Options;
using Switchboard.Server.Identity;
using Switchboard.Server.Operations;

namespace Switchboard.Server.Supervision;

/// <summary>
/// When a listening supervisor's last stream of a call closes (tab closed, network gone), they stop
/// being shown as watching: <c>supervisor.left</c> is appended as if they had left. A supervisor
/// holding the call stays its holder until they hand it back. With several nodes the stream that
/// closes must be their last one on every node, and one node at a time (the lease "watcher
/// departure") ends the watches whose streams died with their node.
/// </summary>
public sealed partial class WatcherDeparture(
    OnlineSupervisors online,
    UserStore users,
    CallInterventions interventions,
    ISupervisorPresence presence,
    IJobLeases leases,
    IOptions<Storage.StorageOptions> storage,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<WatcherDeparture> logger) : BackgroundService
{
    private readonly bool _shared = storage.Value.UsesPostgres;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        online.LeftCall += OnLeftCall;
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        online.LeftCall -= OnLeftCall;
        return base.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Ends the watches whose every stream is on nodes that stopped renewing their presence, and
    /// forgets those rows; returns how many watches it ended.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var sync = services.GetRequiredService<SupervisorPresenceSync>();
        var rows = await sync.RefreshAsync(cancellationToken);
        var cut = clock.GetUtcNow() - sync.StaleAfter;
        var stale = rows.Where(r => r.SeenAt < cut).ToList();
        var ended = 0;
        var unsettled = new HashSet<(string, string)>();
        foreach (var (userId, callId) in stale.Where(r => r.CallId.Length > 0).Select(r => (r.UserId, r.CallId)).Distinct())
        {
            var watchedStill = rows.Any(r => r.SeenAt >= cut && r.UserId == userId && r.CallId == callId)
                || online.LocalStreams.Contains((userId, callId));
            if (watchedStill)
            {
                continue;
            }

            switch (await LeaveIfListeningAsync(userId, callId))
            {
                case true:
                    ended++;
                    break;
                case null:
                    // The leave could not be recorded: the rows stay, so the next sweep tries again.
                    unsettled.Add((userId, callId));
                    break;
            }
        }

        await presence.ForgetAsync([.. stale.Where(r => !unsettled.Contains((r.UserId, r.CallId)))], cancellationToken);
        return ended;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _shared
            ? LeasedJob.RunAsync(
                leases,
                "watcher departure",
                ct => BackgroundPass.RunEveryAsync(services.GetRequiredService<SupervisorPresenceSync>().Interval, clock, logger, "the watcher departure", SweepAsync, ct),
                stoppingToken)
            : Task.CompletedTask;

    private void OnLeftCall(string userId, string callId) => _ = LeftCallAsync(userId, callId);

    private async Task LeftCallAsync(string userId, string callId)
    {
        try
        {
            if (_shared)
            {
                // Still watching through a stream on another node: not gone.
                var sync = services.GetRequiredService<SupervisorPresenceSync>();
                var cut = clock.GetUtcNow() - sync.StaleAfter;
                if ((await sync.RefreshAsync(CancellationToken.None)).Any(r => r.Node != presence.Node && r.UserId == userId && r.CallId == callId && r.SeenAt >= cut))
                {
                    return;
                }
            }

            await LeaveIfListeningAsync(userId, callId);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException)
        {
            LogFailed(ex, userId, callId);
        }
    }

    /// <summary>Ends a listen: true when it was ended, false when there was none to end, null when recording it failed.</summary>
    private async Task<bool?> LeaveIfListeningAsync(string userId, string callId)
    {
        if (await users.FindAsync(userId, CancellationToken.None) is not { } user
            || (await interventions.CurrentAsync(callId, CancellationToken.None))?.Supervisors.GetValueOrDefault(user.Username) != "listen")
        {
            return false;
        }

        var actor = new Actor(user.Id, user.Username, "user", user.Role, null);
        try
        {
            await interventions.RunAsync(callId, "leave", null, actor, call => interventions.LeaveAsync(call, actor, null, CancellationToken.None), CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is Storage.EventStoreUnavailableException or InvalidOperationException)
        {
            LogFailed(ex, actor.Name, callId);
            return null;
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Could not record that {User} stopped watching call {CallId}")]
    private partial void LogFailed(Exception ex, string user, string callId);
}
