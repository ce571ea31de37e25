using Switchboard.Server.Calls;
using Switchboard.Server.Identity;

namespace Switchboard.Server.Supervision;

/// <summary>
/// When a listening supervisor's last stream of a call closes (tab closed, network gone), they stop
/// being shown as watching: <c>supervisor.left</c> is appended as if they had left. A supervisor
/// holding the call stays its holder until they hand it back.
/// </summary>
public sealed partial class WatcherDeparture(
    OnlineSupervisors online, UserStore users, LiveCalls live, CallInterventions interventions, ILogger<WatcherDeparture> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        online.LeftCall += OnLeftCall;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        online.LeftCall -= OnLeftCall;
        return Task.CompletedTask;
    }

    private void OnLeftCall(string userId, string callId)
    {
        if (users.Find(userId) is not { } user || live.Find(callId)?.Supervisors.GetValueOrDefault(user.Username) != "listen")
        {
            return;
        }

        _ = LeaveAsync(new Actor(user.Id, user.Username, "user", user.Role, null), callId);
    }

    private async Task LeaveAsync(Actor actor, string callId)
    {
        try
        {
            await interventions.RunAsync(callId, "leave", null, actor, call => interventions.LeaveAsync(call, actor, null, CancellationToken.None), CancellationToken.None);
        }
        catch (Exception ex) when (ex is Storage.EventStoreUnavailableException or InvalidOperationException)
        {
            LogFailed(ex, actor.Name, callId);
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Could not record that {User} stopped watching call {CallId}")]
    private partial void LogFailed(Exception ex, string user, string callId);
}
