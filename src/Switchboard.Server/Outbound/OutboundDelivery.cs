using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Switchboard.Server.Operations;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Outbound;

/// <summary>
/// Runs every subscription's delivery on the one node that holds the lease "outbound delivery"
/// (with several nodes, another node takes over within about a second of the holder's death and
/// resumes from the stored cursors). Each subscription restarts from its cursors whenever its
/// revision changes (an edit, a pause, a replay), on whichever node the change was made.
/// </summary>
public sealed partial class OutboundDelivery(
    IJobLeases leases,
    IOutboundRecords records,
    IEventStore log,
    EventHub hub,
    WebhookSender sender,
    OutboundCounters counters,
    IOptions<OutboundOptions> options,
    TimeProvider clock,
    ILogger<OutboundDelivery> logger) : BackgroundService
{
    /// <summary>The lease's name.</summary>
    public const string LeaseName = "outbound delivery";

    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, EndpointCircuit> _circuits = new(StringComparer.Ordinal);

    /// <summary>The circuit of an endpoint as this node sees it (null when this node has not sent to it).</summary>
    public EndpointCircuit? CircuitOf(string url) => _circuits.GetValueOrDefault(url);

    /// <summary>True while this node delivers.</summary>
    public bool IsDelivering { get; private set; }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled ? LeasedJob.RunAsync(leases, LeaseName, RunAsync, stoppingToken) : Task.CompletedTask;

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        IsDelivering = true;
        var running = new Dictionary<string, (SubscriptionDelivery Delivery, CancellationTokenSource Stop, Task Task)>(StringComparer.Ordinal);
        var touching = TouchAsync(running, cancellationToken);
        var pruned = DateTimeOffset.MinValue;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var subscriptions = (await records.ListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Id, StringComparer.Ordinal);
                    foreach (var (id, run) in running.ToList())
                    {
                        if (!subscriptions.TryGetValue(id, out var current) || current.Revision != run.Delivery.Subscription.Revision || run.Task.IsCompleted)
                        {
                            await StopAsync(run).ConfigureAwait(false);
                            lock (running)
                            {
                                running.Remove(id);
                            }
                        }
                    }

                    foreach (var subscription in subscriptions.Values.Where(s => !s.Paused && !running.ContainsKey(s.Id)))
                    {
                        var delivery = new SubscriptionDelivery(subscription, log, records, CallDeliveryOf, options.Value, clock);
                        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                        var task = Task.Run(() => RunSubscriptionAsync(delivery, stop.Token), CancellationToken.None);
                        lock (running)
                        {
                            running[subscription.Id] = (delivery, stop, task);
                        }
                    }

                    if (clock.GetUtcNow() - pruned > PruneInterval)
                    {
                        pruned = clock.GetUtcNow();
                        await records.PruneAsync(pruned - TimeSpan.FromHours(options.Value.LogRetentionHours), cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPassFailed(ex);
                }

                await Task.Delay(RefreshInterval, clock, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            IsDelivering = false;
            foreach (var run in running.Values)
            {
                await StopAsync(run).ConfigureAwait(false);
            }

            await touching.ConfigureAwait(false);
        }
    }

    private CallDelivery CallDeliveryOf(OutboundSubscription subscription) =>
        new(subscription, log, records, sender, _circuits.GetOrAdd(subscription.Url, _ => new EndpointCircuit(options.Value.CircuitFailures, TimeSpan.FromSeconds(options.Value.CircuitCooldownSeconds), clock)), options.Value, counters, clock);

    private async Task RunSubscriptionAsync(SubscriptionDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            await delivery.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A store failure stops this pass of one subscription; the next refresh starts it again from its cursors.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSubscriptionFailed(ex, delivery.Subscription.Id);
        }
    }

    /// <summary>Tells each subscription which calls have new events, so delivery starts at once rather than at the next poll.</summary>
    private async Task TouchAsync(Dictionary<string, (SubscriptionDelivery Delivery, CancellationTokenSource Stop, Task Task)> running, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // After an overflow the one-second poll of every subscription still finds every call; subscribe again.
            using var changes = hub.SubscribeAll(16_384);
            try
            {
                await foreach (var e in changes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (e.IsEphemeral)
                    {
                        continue;
                    }

                    SubscriptionDelivery[] deliveries;
                    lock (running)
                    {
                        deliveries = running.Values.Select(r => r.Delivery).ToArray();
                    }

                    foreach (var delivery in deliveries)
                    {
                        delivery.Touch(e.CallId);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task StopAsync((SubscriptionDelivery Delivery, CancellationTokenSource Stop, Task Task) run)
    {
        await run.Stop.CancelAsync().ConfigureAwait(false);
        await run.Task.ConfigureAwait(false);
        run.Stop.Dispose();
    }

    [LoggerMessage(EventId = 11001, Level = LogLevel.Warning, Message = "A pass of outbound delivery failed; it is tried again in a second")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(EventId = 11002, Level = LogLevel.Warning, Message = "Delivery of subscription {SubscriptionId} stopped on an error; it restarts from its cursors")]
    private partial void LogSubscriptionFailed(Exception ex, string subscriptionId);
}
