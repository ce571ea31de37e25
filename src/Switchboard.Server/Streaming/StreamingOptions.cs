using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Streaming;

/// <summary>Configuration section <c>Streaming</c>.</summary>
public sealed class StreamingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Streaming";

    /// <summary>Seconds between heartbeat comments on idle streams.</summary>
    [Range(0.1, 300)]
    public double HeartbeatSeconds { get; set; } = 15;

    /// <summary>Events a call-stream subscriber may fall behind before it is told to resume.</summary>
    [Range(16, 1_000_000)]
    public int CallBufferCapacity { get; set; } = 16_384;

    /// <summary>
    /// Chunks of updates a wallboard connection may fall behind (a chunk holds every call that
    /// changed in one coalescing window) before it is closed to reconnect for a fresh snapshot.
    /// </summary>
    [Range(4, 100_000)]
    public int WallboardBufferChunks { get; set; } = 256;

    /// <summary>Least time between two sends to the wallboards when few are open.</summary>
    [Range(0, 10_000)]
    public double WallboardMinSendIntervalMilliseconds { get; set; } = 25;

    /// <summary>Most time between two sends to the wallboards, however many are open.</summary>
    [Range(0, 10_000)]
    public double WallboardMaxSendIntervalMilliseconds { get; set; } = 250;

    /// <summary>
    /// How the time between two sends grows with the open wallboards (each send is a write on every
    /// one): 0.5 ms per wallboard reaches the maximum of 250 ms at 500 wallboards.
    /// </summary>
    [Range(0, 1000)]
    public double WallboardSendMillisecondsPerViewer { get; set; } = 0.5;

    /// <summary>Least time between two wallboard updates of the same call.</summary>
    [Range(0, 10_000)]
    public int WallboardCoalesceMilliseconds { get; set; } = 50;
}
