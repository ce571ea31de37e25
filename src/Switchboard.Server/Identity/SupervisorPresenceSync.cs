using Microsoft.Extensions.Options;

namespace Switchboard.Server.Identity;

/// <summary>
/// With several nodes: publishes this node's supervisor streams whenever they change and at every
/// <see cref="AccountOptions.PresenceSeconds"/>, and reads the other nodes' fresh rows into
/// <see cref="OnlineSupervisors.Elsewhere"/>. A row not renewed for three intervals is stale: its
/// node is gone (see <see cref="Supervision.WatcherDeparture"/>, which ends such watches).
/// </summary>
public sealed partial class SupervisorPresenceSync(
    OnlineSupervisors online, ISupervisorPresence presence, IOptions<AccountOptions> options, TimeProvider clock, ILogger<SupervisorPresenceSync> logger) : BackgroundService
{
    private readonly SemaphoreSlim _changed = new(0, 1);

    /// <summary>Time between two publications when nothing changes.</summary>
    public TimeSpan Interval => TimeSpan.FromSeconds(options.Value.PresenceSeconds);

    /// <summary>Rows older than this are left by a node that is gone.</summary>
    public TimeSpan StaleAfter => Interval * 3;

    /// <summary>Reads every node's rows now and keeps the other nodes' fresh ones; returns all rows read.</summary>
    public async Task<IReadOnlyList<PresenceRow>> RefreshAsync(CancellationToken cancellationToken)
    {
        var rows = await presence.ReadAsync(cancellationToken).ConfigureAwait(false);
        var cut = clock.GetUtcNow() - StaleAfter;
        online.Elsewhere = [.. rows.Where(r => r.Node != presence.Node && r.SeenAt >= cut)];
        return rows;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        online.Changed += Signal;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Operations.BackgroundPass.RunOnceAsync(logger, "the supervisor presence", PassAsync, stoppingToken);
                try
                {
                    await _changed.WaitAsync(Interval, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }
        finally
        {
            online.Changed -= Signal;
            // A node that stops cleanly leaves no rows behind.
            try
            {
                await presence.PublishAsync([], clock.GetUtcNow(), CancellationToken.None);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                LogFinalFailed(ex);
            }
        }
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        await presence.PublishAsync(online.LocalStreams, clock.GetUtcNow(), cancellationToken);
        await RefreshAsync(cancellationToken);
    }

    private void Signal()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A publication is due already.
        }
    }

    [LoggerMessage(EventId = 5020, Level = LogLevel.Warning, Message = "Could not remove this node's supervisor presence on the way out; other nodes will see it go stale")]
    private partial void LogFinalFailed(Exception ex);
}
