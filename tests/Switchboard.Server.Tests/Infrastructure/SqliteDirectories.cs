using Microsoft.Extensions.Options;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>A test's private data directories for SQLite files, deleted (pools closed first) when it ends.</summary>
public sealed class SqliteDirectories : IDisposable
{
    /// <summary>The folder that holds them all.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The options of the data directory called <paramref name="name"/>; the same name is the same file, as another node or a restart sees it.</summary>
    public IOptions<StorageOptions> Options(string name) =>
        Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = Path.Combine(Root, name) });

    /// <summary>Connections to the file of the data directory called <paramref name="name"/>.</summary>
    public SqliteConnectionFactory Open(string name) => new(Options(name));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Not there, or still held by a process a test killed: the temp folder is cleaned later.
        }
    }
}
