using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Outbound;

/// <summary>Settings of outbound delivery (section <c>Outbound</c>, docs/OUTBOUND.md).</summary>
public sealed class OutboundOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outbound";

    /// <summary>Whether this node delivers at all (the admin API works either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long one event is retried before its call is dead-lettered.</summary>
    [Range(1, 30 * 24 * 3600)]
    public int RetryForSeconds { get; set; } = 24 * 3600;

    /// <summary>The first backoff after a failure; it doubles per failure, with jitter.</summary>
    [Range(10, 60_000)]
    public int InitialBackoffMilliseconds { get; set; } = 500;

    /// <summary>The longest backoff between two attempts of one event.</summary>
    [Range(1, 3600)]
    public int MaxBackoffSeconds { get; set; } = 300;

    /// <summary>How long one attempt may take, up to the receiver's status line.</summary>
    [Range(1, 300)]
    public int AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>How many calls of one subscription are delivered at once (each in its own order).</summary>
    [Range(1, 256)]
    public int ConcurrentCalls { get; set; } = 16;

    /// <summary>Consecutive failures of one endpoint that open its circuit.</summary>
    [Range(1, 1000)]
    public int CircuitFailures { get; set; } = 5;

    /// <summary>How long an open circuit sends nothing before one probe is let through.</summary>
    [Range(1, 3600)]
    public int CircuitCooldownSeconds { get; set; } = 30;

    /// <summary>How long the delivery log keeps an attempt.</summary>
    [Range(1, 24 * 365)]
    public int LogRetentionHours { get; set; } = 72;

    /// <summary>How long a call whose end was delivered is still watched for late events after a restart.</summary>
    [Range(0, 24 * 60)]
    public int FollowEndedCallsMinutes { get; set; } = 10;

    /// <summary>How long the previous secret still signs (beside the new one) after a rotation.</summary>
    [Range(0, 7 * 24 * 60)]
    public int RotationOverlapMinutes { get; set; } = 60;
}
