using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Storage;

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Storage";

    /// <summary>
    /// Where the event log is kept: <c>sqlite</c> (the embedded default, one file in
    /// <see cref="DataDirectory"/>) or <c>postgres</c> (PostgreSQL at <see cref="ConnectionString"/>,
    /// shared by every node).
    /// </summary>
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Storage:Provider must be sqlite or postgres.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// The PostgreSQL connection string (Npgsql keywords: <c>Host=…;Port=…;Database=…;Username=…;Password=…</c>),
    /// used when <see cref="Provider"/> is <c>postgres</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// This node's name in the log's change notifications (PostgreSQL); a node ignores its own.
    /// Empty: a new random name at each start.
    /// </summary>
    public string NodeId { get; set; } = "";

    /// <summary>
    /// How often a node on PostgreSQL also compares every call it follows with the database, in
    /// case a change notification was lost (a dropped connection): the safety net, not the path.
    /// </summary>
    [Range(1, 3600)]
    public int FeedCatchUpSeconds { get; set; } = 5;

    /// <summary>Most connections of this node's PostgreSQL pool.</summary>
    [Range(4, 1000)]
    public int MaxPoolSize { get; set; } = 32;

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

    /// <summary>
    /// Page size of a database file when it is created (an existing file keeps its own). Every
    /// commit writes each page it changed to the WAL whole, and an event changes a page of each
    /// per-call index, so small pages write several times fewer bytes per event than SQLite's
    /// 4,096 (docs/ARCHITECTURE.md, "Storage").
    /// </summary>
    [AllowedValues(512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, ErrorMessage = "Storage:PageSizeBytes must be a power of two from 512 to 65536.")]
    public int PageSizeBytes { get; set; } = 1024;

    /// <summary>
    /// The writer's page cache. It holds the pages every commit touches (the last page of each
    /// active call in the two per-call indexes, and the levels above them): with 1 KB pages a few
    /// megabytes cover thousands of active calls, and pages outside it are read from the
    /// memory-mapped file. A larger cache costs every commit more: SQLite moves pages to a
    /// temporary number beyond the end of the file while it splits a b-tree page, and at the
    /// commit scans the whole cache to drop pages beyond the end (docs/ARCHITECTURE.md).
    /// </summary>
    [Range(2, 4096)]
    public int WriterCacheMegabytes { get; set; } = 4;

    /// <summary>
    /// How long the writer may hold events the server derived from committed ones (sentiment
    /// scores, attention changes) to commit them together with the next batch that arrives. Each
    /// such commit would otherwise touch the same calls' pages a second time, and an agent's batch
    /// arriving meanwhile would wait behind it. 0 commits them at once.
    /// </summary>
    [Range(0, 1000)]
    public int DerivedCommitDelayMilliseconds { get; set; } = 20;

    /// <summary>How often the background checkpoint copies the WAL into the database file.</summary>
    [Range(50, 60_000)]
    public int CheckpointIntervalMilliseconds { get; set; } = 1000;

    /// <summary>
    /// A commit whose queue wait, write and hand-off to live views together take longer than this
    /// is logged as a warning with the time of each stage (0 turns the warning off).
    /// </summary>
    [Range(0, 600_000)]
    public int SlowCommitWarningMilliseconds { get; set; } = 250;

    /// <summary>Full path of the database file.</summary>
    /// <summary>True when the log is on PostgreSQL, shared by several nodes.</summary>
    public bool UsesPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase);

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, "switchboard.db"));
}
