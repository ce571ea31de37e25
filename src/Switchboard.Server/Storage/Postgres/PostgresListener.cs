using Npgsql;

namespace Switchboard.Server.Storage.Postgres;

/// <summary>Listens on a notification channel for as long as the node runs, reconnecting with backoff (200 ms doubling to 5 s).</summary>
internal static class PostgresListener
{
    /// <summary>Calls <paramref name="onPayload"/> for each notification until <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunAsync(NpgsqlDataSource data, string channel, Action<string> onPayload, Action<Exception, double> onFailure, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, args) => onPayload(args.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                delay = TimeSpan.FromMilliseconds(200);
                while (true)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The listener outlives any failure of the database: it reconnects.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                onFailure(ex, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }
}
