namespace Switchboard.Server.Operations;

/// <summary>
/// Runs the passes of a background job so that no pass can stop the host: a pass that throws
/// (whatever the data it read) is logged and the next one runs as planned. Only stopping ends it.
/// </summary>
public static partial class BackgroundPass
{
    /// <summary>Runs <paramref name="pass"/> at every tick of <paramref name="interval"/> until <paramref name="stoppingToken"/> fires.</summary>
    public static async Task RunEveryAsync(
        TimeSpan interval, TimeProvider clock, ILogger logger, string job, Func<CancellationToken, Task> pass, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunOnceAsync(logger, job, pass, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one pass; an exception other than the stop is logged and swallowed. True when the pass completed.</summary>
    public static async Task<bool> RunOnceAsync(ILogger logger, string job, Func<CancellationToken, Task> pass, CancellationToken stoppingToken)
    {
        try
        {
            await pass(stoppingToken);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A background job must outlive any one failed pass.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPassFailed(logger, ex, job);
            return false;
        }
    }

    /// <summary>Runs one synchronous step; an exception is logged and swallowed. True when the step completed.</summary>
    public static bool Guard(ILogger logger, string job, Action step)
    {
        try
        {
            step();
            return true;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // A background job must outlive any one failed step.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPassFailed(logger, ex, job);
            return false;
        }
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Error, Message = "A pass of {Job} failed; the job carries on with the next one")]
    private static partial void LogPassFailed(ILogger logger, Exception ex, string job);
}
