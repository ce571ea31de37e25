using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Storage;

/// <summary>Opens connections to the one SQLite database, with the pragmas every connection needs.</summary>
public sealed class SqliteConnectionFactory
{
    private static int s_initialised;
    private readonly string _connectionString;
    private readonly int _pageSize;
    private readonly int _writerCacheKilobytes;

    /// <summary>Creates the factory: the data directory is created if missing and migrations are applied.</summary>
    public SqliteConnectionFactory(IOptions<StorageOptions> options)
        : this(options.Value.DatabasePath, options.Value.Synchronous, options.Value.PageSizeBytes, options.Value.WriterCacheMegabytes * 1024, SqliteMigrations.Steps)
    {
    }

    private SqliteConnectionFactory(string path, string synchronous, int pageSize, int writerCacheKilobytes, IReadOnlyList<string> migrations)
    {
        if (Interlocked.Exchange(ref s_initialised, 1) == 0)
        {
            SQLitePCL.Batteries_V2.Init();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        DatabasePath = path;
        Synchronous = synchronous;
        _pageSize = pageSize;
        _writerCacheKilobytes = writerCacheKilobytes;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();
        using var connection = Open();
        SqliteMigrations.Apply(connection, migrations);
    }

    /// <summary>
    /// A factory for another database file beside this one, with its own migrations and
    /// synchronous level: data derived from the log lives there, so its writes never take the
    /// log's write lock.
    /// </summary>
    public SqliteConnectionFactory Sibling(string fileName, string synchronous, IReadOnlyList<string> migrations) =>
        new(Path.Combine(Path.GetDirectoryName(DatabasePath)!, fileName), synchronous, _pageSize, _writerCacheKilobytes, migrations);

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The configured <c>synchronous</c> level.</summary>
    public string Synchronous { get; }

    /// <summary>Opens the writer's connection: as <see cref="Open"/>, with a page cache large enough for the hot indexes.</summary>
    public SqliteConnection OpenWriter()
    {
        var connection = Open();
        using var pragma = connection.CreateCommand();
        // The default 2 MB page cache makes every insert into a grown log re-read index pages;
        // checkpoints run beside the writer (SqliteCheckpointer), never inside one of its commits.
        pragma.CommandText = $"PRAGMA cache_size=-{_writerCacheKilobytes}; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=268435456;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>How long a connection waits for another one's lock before a statement fails with SQLITE_BUSY.</summary>
    public const int BusyTimeoutMilliseconds = 5000;

    /// <summary>
    /// Opens a connection with WAL, SQLite's own busy timeout and the configured synchronous level.
    /// SQLite 3.53 (SQLitePCLRaw 3.0.5) waits for a lock in millisecond steps (a 5 ms lock costs
    /// about 8.5 ms, <c>bench/Switchboard.Bench -- --only busy</c>); the bundle before it slept in
    /// whole seconds, which this server once replaced with a busy handler of its own.
    /// </summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // page_size takes effect only on a new, empty file, and only before it enters WAL mode.
        pragma.CommandText = $"PRAGMA page_size={_pageSize}; PRAGMA journal_mode=WAL; PRAGMA synchronous={Synchronous}; PRAGMA foreign_keys=ON; PRAGMA mmap_size=268435456; PRAGMA busy_timeout={BusyTimeoutMilliseconds};";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
