using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Switchboard.Testing;

/// <summary>
/// A private PostgreSQL server for tests and benchmarks: Debian's binaries (tests/setup.sh
/// installs them), a new cluster in a temporary directory, listening on a free loopback port and
/// a socket in that directory, stopped by its PID when disposed. Run as root, the server runs as
/// the <c>postgres</c> account, which PostgreSQL requires.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly Lazy<PostgresServer> SharedServer = new(() =>
    {
        var server = Start(durable: false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    });

    private readonly Process _process;
    private int _databases;

    private PostgresServer(Process process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
    }

    /// <summary>One server for the whole test process (fsync off: the tests kill nodes, not the database).</summary>
    public static PostgresServer Shared => SharedServer.Value;

    /// <summary>The cluster's directory.</summary>
    public string Directory { get; }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>The server's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>The connection string of the maintenance database.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    /// <summary>The connection string of a database on this server.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=switchboard;Pooling=true;Timeout=10";

    /// <summary>True when PostgreSQL's server binaries are installed.</summary>
    public static bool IsInstalled => FindBin() is not null;

    /// <summary>
    /// Starts a new server. <paramref name="durable"/> keeps PostgreSQL's defaults (fsync on, as
    /// in production: benchmarks); otherwise fsync is off for speed.
    /// </summary>
    public static PostgresServer Start(bool durable, IReadOnlyDictionary<string, string>? settings = null)
    {
        var bin = FindBin() ?? throw new InvalidOperationException("PostgreSQL's server binaries are not installed: run tests/setup.sh (apt-get install postgresql).");
        var directory = Path.Combine(Path.GetTempPath(), "switchboard-pg-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" || GetUid() == 0;
        if (asRoot)
        {
            Run("chown", ["postgres:postgres", directory]);
        }

        var data = Path.Combine(directory, "data");
        RunAs(asRoot, Path.Combine(bin, "initdb"), ["-D", data, "-U", "switchboard", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        var port = FreePort();
        var arguments = new List<string> { "-D", data, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", directory, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "shared_buffers=256MB" };
        if (!durable)
        {
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            arguments.AddRange(["-c", $"{name}={value}"]);
        }

        var start = asRoot
            ? new ProcessStartInfo("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", Path.Combine(bin, "postgres"), .. arguments])
            : new ProcessStartInfo(Path.Combine(bin, "postgres"), arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException("postgres did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PostgresServer(process, directory, port);
        server.WaitReady(TimeSpan.FromSeconds(60));
        return server;
    }

    /// <summary>The server's version, as <c>SHOW server_version</c> prints it.</summary>
    public string Version
    {
        get
        {
            using var connection = new NpgsqlConnection(AdminConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SHOW server_version;", connection);
            return (string)command.ExecuteScalar()!;
        }
    }

    /// <summary>Creates a new empty database and returns its connection string.</summary>
    public string CreateDatabase(string prefix = "t")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
        command.ExecuteNonQuery();
        return ConnectionString(name);
    }

    /// <summary>Stops the server (fast shutdown, then kill) and deletes its directory.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGINT is PostgreSQL's fast shutdown.
                Run("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void WaitReady(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
                connection.Open();
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or IOException)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"postgres exited with {_process.ExitCode} before it was ready", ex);
                }

                if (deadline.Elapsed > timeout)
                {
                    throw new TimeoutException($"postgres was not ready within {timeout.TotalSeconds} s", ex);
                }

                Thread.Sleep(100);
            }
        }
    }

    private static string? FindBin()
    {
        const string root = "/usr/lib/postgresql";
        if (!System.IO.Directory.Exists(root))
        {
            return null;
        }

        return System.IO.Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "postgres")))
            .OrderByDescending(b => b, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static void RunAs(bool asRoot, string file, IReadOnlyList<string> arguments)
    {
        if (asRoot)
        {
            Run("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", file, .. arguments]);
        }
        else
        {
            Run(file, arguments);
        }
    }

    private static void Run(string file, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException(file + " did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(file + " did not finish within 120 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with {process.ExitCode}: {output.Result} {error.Result}");
        }
    }

    private static int GetUid()
    {
        try
        {
            var status = File.ReadAllLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return status is null ? -1 : int.Parse(status.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
