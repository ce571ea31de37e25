using Switchboard.Server.Storage;

namespace Switchboard.Server.Calls;

/// <summary>Rebuilds the state of active calls from the log before the server takes requests.</summary>
public sealed partial class CallStateRebuilder(IEventStore store, LiveCalls live, Microsoft.Extensions.Options.IOptions<StorageOptions> storage, ILogger<CallStateRebuilder> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var ids = await store.ListActiveCallIdsAsync(cancellationToken);
        var events = 0;
        foreach (var id in ids)
        {
            CallState? state = null;
            long after = 0;
            while (true)
            {
                var page = await store.ReadAsync(id, after, 5000, cancellationToken);
                foreach (var e in page)
                {
                    state = CallProjection.Apply(state, e);
                }

                events += page.Count;
                if (page.Count < 5000)
                {
                    break;
                }

                after = page[^1].Seq;
            }

            if (state is not null)
            {
                live.Restore(state);
            }
        }

        LogRebuilt(ids.Count, events, storage.Value.DatabasePath);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Rebuilt {Calls} active calls from {Events} events of the database {Database}")]
    private partial void LogRebuilt(int calls, int events, string database);
}
