namespace Switchboard.Sdk;

/// <summary>Configuration of a <see cref="SwitchboardClient"/>. Checked by <see cref="Validate"/> when the client is created.</summary>
public sealed class SwitchboardClientOptions
{
    /// <summary>The server's base address, for example <c>http://localhost:5000</c>. Required.</summary>
    public Uri? ServerUrl { get; set; }

    /// <summary>An API key with the <c>agent</c> scope. Required.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How to reach the server (default <see cref="SwitchboardTransport.Auto"/>).</summary>
    public SwitchboardTransport Transport { get; set; } = SwitchboardTransport.Auto;

    /// <summary>
    /// Most events held in memory, queued or awaiting acknowledgement (default 10,000). When full,
    /// the oldest ephemeral event is dropped first, then the oldest durable one (docs/SDK.md).
    /// </summary>
    public int MaxQueuedEvents { get; set; } = 10_000;

    /// <summary>Most events in one batch (default 500, at most 1,000, the server's limit).</summary>
    public int MaxBatchEvents { get; set; } = 500;

    /// <summary>How often a heartbeat is sent for a call that reported nothing else (default 15 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait for a batch's acknowledgement before reconnecting (default 30 s).</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First delay before reconnecting (default 250 ms); it doubles on each failure, with jitter.</summary>
    public TimeSpan ReconnectDelayMin { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest delay between reconnection attempts (default 30 s).</summary>
    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Ephemeral events (interim transcripts, debug, heartbeats) older than this when they could
    /// be sent are dropped rather than sent late (default 10 s).
    /// </summary>
    public TimeSpan EphemeralMaxAge { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="SwitchboardClient.DisposeAsync"/> tries to deliver what is queued (default 5 s).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Returns every configuration error at once; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ServerUrl is null || !ServerUrl.IsAbsoluteUri || ServerUrl.Scheme is not ("http" or "https"))
        {
            errors.Add("ServerUrl must be an absolute http:// or https:// address of the Switchboard server.");
        }

        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            errors.Add("ApiKey is required: create one with 'keys create --scope agent --name NAME'.");
        }

        if (MaxBatchEvents is < 1 or > Contracts.Events.Limits.MaxBatchEvents)
        {
            errors.Add($"MaxBatchEvents must be between 1 and {Contracts.Events.Limits.MaxBatchEvents}.");
        }

        if (MaxQueuedEvents < 2 * Math.Max(MaxBatchEvents, 1) || MaxQueuedEvents > 10_000_000)
        {
            errors.Add("MaxQueuedEvents must be at least twice MaxBatchEvents and at most 10,000,000.");
        }

        Positive(errors, HeartbeatInterval, nameof(HeartbeatInterval));
        Positive(errors, AckTimeout, nameof(AckTimeout));
        Positive(errors, ReconnectDelayMin, nameof(ReconnectDelayMin));
        Positive(errors, EphemeralMaxAge, nameof(EphemeralMaxAge));
        if (ReconnectDelayMax < ReconnectDelayMin)
        {
            errors.Add("ReconnectDelayMax must not be shorter than ReconnectDelayMin.");
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            errors.Add("ShutdownTimeout must not be negative.");
        }

        if (!Enum.IsDefined(Transport))
        {
            errors.Add("Transport must be Auto, WebSocket or Http.");
        }

        return errors;
    }

    private static void Positive(List<string> errors, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name} must be positive.");
        }
    }
}
