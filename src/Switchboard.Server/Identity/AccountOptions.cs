using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Identity;

/// <summary>Configuration section <c>Accounts</c>: sessions, passwords and login throttling.</summary>
public sealed class AccountOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Accounts";

    /// <summary>A session unused for this long ends (sliding).</summary>
    [Range(1, 24 * 60)]
    public double SessionIdleMinutes { get; set; } = 30;

    /// <summary>A session ends this long after login however active it is.</summary>
    [Range(0.1, 24 * 7)]
    public double SessionAbsoluteHours { get; set; } = 12;

    /// <summary>Login attempts allowed per client address per minute.</summary>
    [Range(1, 10_000)]
    public int LoginPermitsPerMinute { get; set; } = 10;

    /// <summary>Shortest accepted password.</summary>
    [Range(8, 128)]
    public int MinPasswordLength { get; set; } = 12;

    /// <summary>
    /// Where the keys that sign session cookies and anti-forgery tokens are kept; by default the
    /// <c>keys</c> directory beside the database. Several servers behind one address share this
    /// directory so that a session signed in on one is accepted by another; a restarted server
    /// keeps its users signed in.
    /// </summary>
    public string? KeyRingDirectory { get; set; }

    /// <summary>
    /// Audit records older than this many days are deleted (checked every hour; the deletion is
    /// itself recorded). 0 keeps them forever.
    /// </summary>
    [Range(0, 36_500)]
    public int AuditRetentionDays { get; set; } = 365;

    /// <summary>
    /// How often open streams and agent sockets are checked against revocations made elsewhere
    /// (the <c>keys revoke</c> command, another node); changes made through this server's own API
    /// end them at once.
    /// </summary>
    [Range(0.1, 300)]
    public double RevocationCheckSeconds { get; set; } = 2;

    /// <summary>
    /// With several nodes: how often each node renews the list of supervisor streams it holds
    /// (also at once when one opens or closes). A node silent for three intervals is taken as gone.
    /// </summary>
    [Range(0.1, 60)]
    public double PresenceSeconds { get; set; } = 2;

    /// <summary>Name of the session cookie.</summary>
    [Required]
    public string CookieName { get; set; } = "sb_session";
}
