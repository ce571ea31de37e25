using Microsoft.Extensions.Options;
using Npgsql;

namespace Switchboard.Server.Storage.Postgres;

/// <summary>
/// The shared PostgreSQL database of every node: one connection pool for the event log and the
/// features that keep their tables there, and each component's migrations. Opening it checks the
/// connection string, the server and the login, and says what to fix when one is wrong.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly StorageOptions _settings;

    /// <summary>Connects once to prove the settings work.</summary>
    /// <exception cref="StorageStartException">PostgreSQL is not configured, not reachable or refuses the login.</exception>
    public PostgresDatabase(IOptions<StorageOptions> options)
    {
        _settings = options.Value;
        NodeId = string.IsNullOrWhiteSpace(_settings.NodeId) ? Guid.NewGuid().ToString("N")[..12] : _settings.NodeId;
        DataSource = Open(_settings);
        try
        {
            using var connection = DataSource.OpenConnection();
        }
        catch (Exception ex) when (IsStartFailure(ex))
        {
            DataSource.Dispose();
            throw new StorageStartException(Describe(_settings, ex), ex);
        }
    }

    /// <summary>This node's name (Storage:NodeId, or a random one): notifications it sends carry it, so it can skip its own.</summary>
    public string NodeId { get; }

    /// <summary>The pool every store of this node uses.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Brings <paramref name="component"/>'s tables to the latest of <paramref name="steps"/>; returns the version found.</summary>
    /// <exception cref="StorageStartException">The database refused a step or is newer than this build.</exception>
    public int Migrate(string component, IReadOnlyList<string> steps)
    {
        try
        {
            using var connection = DataSource.OpenConnection();
            return PostgresMigrations.Apply(connection, component, steps);
        }
        catch (Exception ex) when (IsStartFailure(ex))
        {
            throw new StorageStartException(Describe(_settings, ex), ex);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private static bool IsStartFailure(Exception ex) =>
        ex is NpgsqlException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException;

    private static NpgsqlDataSource Open(StorageOptions settings)
    {
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new StorageStartException("Storage:Provider is postgres but Storage:ConnectionString is empty: set it to the PostgreSQL connection string, for example Host=127.0.0.1;Port=5432;Database=switchboard;Username=switchboard;Password=….", null);
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            throw new StorageStartException("Storage:ConnectionString is not a valid PostgreSQL connection string: " + ex.Message, ex);
        }

        builder.MaxPoolSize = settings.MaxPoolSize;
        builder.Enlist = false;
        // Each node names itself, so pg_stat_activity (and pg_locks) show which node holds what.
        builder.ApplicationName ??= string.IsNullOrWhiteSpace(settings.NodeId) ? "switchboard" : "switchboard " + settings.NodeId;
        if (builder.Timeout == 15)
        {
            builder.Timeout = 5;
        }

        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    private static string Describe(StorageOptions settings, Exception ex)
    {
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        var where = $"{builder.Host}:{builder.Port}, database '{builder.Database}' as '{builder.Username}'";
        return ex switch
        {
            PostgresException pg when pg.SqlState == "28P01" || pg.SqlState == "28000" => $"PostgreSQL at {where} refused the login ({pg.MessageText}): check Username and Password in Storage:ConnectionString.",
            PostgresException pg when pg.SqlState == "3D000" => $"PostgreSQL at {where}: the database does not exist ({pg.MessageText}); create it first (createdb).",
            PostgresException pg => $"PostgreSQL at {where} failed: {pg.SqlState} {pg.MessageText}.",
            InvalidOperationException => $"Switchboard cannot use PostgreSQL at {where}: {ex.Message}",
            _ => $"PostgreSQL at {where} is not reachable ({ex.GetBaseException().Message}): check that it is running and Storage:ConnectionString.",
        };
    }
}
