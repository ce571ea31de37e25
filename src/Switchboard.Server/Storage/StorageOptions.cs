using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Storage;

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Storage";

    /// <summary>Directory of the SQLite database file.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>
    /// SQLite <c>synchronous</c> level: NORMAL (default; in WAL mode it survives a crash of the
    /// process, such as <c>kill -9</c>, with nothing acknowledged lost) or FULL (also survives
    /// power loss of the machine, at a cost in throughput).
    /// </summary>
    [RegularExpression("^(NORMAL|FULL|EXTRA)$", ErrorMessage = "Storage:Synchronous must be NORMAL, FULL or EXTRA.")]
    public string Synchronous { get; set; } = "NORMAL";

    /// <summary>Most events committed in one transaction by the writer.</summary>
    [Range(1, 100_000)]
    public int MaxEventsPerCommit { get; set; } = 8192;

    /// <summary>Most append requests waiting for the writer before callers wait (back-pressure).</summary>
    [Range(16, 1_000_000)]
    public int QueueCapacity { get; set; } = 16_384;

    /// <summary>How often the background checkpoint copies the WAL into the database file.</summary>
    [Range(50, 60_000)]
    public int CheckpointIntervalMilliseconds { get; set; } = 1000;

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, "switchboard.db"));
}
