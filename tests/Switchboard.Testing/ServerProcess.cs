using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Switchboard.Testing;

/// <summary>
/// The server as a separate OS process on a loopback port: started the way an operator starts it,
/// ready once <c>/readyz</c> answers, and stoppable with SIGTERM or SIGKILL for real.
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    private const int MaxKeptLines = 10_000;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _disposed;

    private ServerProcess(Process process, Uri baseAddress, string dataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
    }

    /// <summary>Where the server listens, <c>http://127.0.0.1:port</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The server's data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the server process has exited (by itself or killed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What the server printed on standard output so far (the first admin's one-time password, say).</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>The server's build output, of the same configuration as the caller.</summary>
    public static string ServerDll
    {
        get
        {
            var separator = Path.DirectorySeparatorChar;
            var configuration = AppContext.BaseDirectory.Contains($"{separator}Release{separator}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(RepositoryRoot, "src", "Switchboard.Server", "bin", configuration, "net10.0", "Switchboard.Server.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the server first.", dll);
        }
    }

    /// <summary>The repository's root: the directory holding <c>Switchboard.slnx</c> above the caller's build output.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Switchboard.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new DirectoryNotFoundException("Switchboard.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Runs a command of the server (such as <c>keys create</c>) and returns what it printed.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunCommandAsync(string dataDirectory, CancellationToken cancellationToken, params string[] args) =>
        RunCommandAsync(dataDirectory, ServerSettings.Tests, cancellationToken, args);

    /// <inheritdoc cref="RunCommandAsync(string, CancellationToken, string[])"/>
    public static async Task<(int ExitCode, string Output, string Error)> RunCommandAsync(string dataDirectory, ServerSettings settings, CancellationToken cancellationToken, params string[] args)
    {
        Directory.CreateDirectory(dataDirectory);
        using var process = Process.Start(Info(settings, dataDirectory, args))!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Creates an API key with <c>keys create</c>, which prints only the key.</summary>
    public static async Task<string> CreateKeyAsync(string dataDirectory, ServerSettings settings, string scope, string name, CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = await RunCommandAsync(dataDirectory, settings, cancellationToken, "keys", "create", "--scope", scope, "--name", name);
        return exitCode == 0 ? output.Trim() : throw new InvalidOperationException($"keys create failed ({exitCode}): {error}");
    }

    /// <summary>Starts the server with the tests' settings and waits until <c>/readyz</c> answers.</summary>
    public static Task<ServerProcess> StartAsync(string dataDirectory, CancellationToken cancellationToken, params string[] extraArgs) =>
        StartAsync(dataDirectory, ServerSettings.Tests, cancellationToken, extraArgs);

    /// <summary>Starts the server and waits until <c>/readyz</c> answers.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, ServerSettings settings, CancellationToken cancellationToken, params string[] extraArgs)
    {
        Directory.CreateDirectory(dataDirectory);
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var process = Process.Start(Info(settings, dataDirectory, ["--urls", baseAddress.ToString(), .. extraArgs]))!;
        var server = new ServerProcess(process, baseAddress, dataDirectory);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                if (server._output.Count < MaxKeptLines)
                {
                    server._output.Enqueue(e.Data);
                }

                settings.Echo?.Invoke(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                settings.Echo?.Invoke(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {process.ExitCode} during start-up.");
            }

            try
            {
                if ((await probe.GetAsync("/readyz", cancellationToken)).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The first admin's one-time password, as a fresh data directory's first start prints it.</summary>
    public Task<string> BootstrapPasswordAsync(CancellationToken cancellationToken) => WaitForOutputAsync(BootstrapLine(), cancellationToken);

    [GeneratedRegex("password '([^']+)'")]
    private static partial Regex BootstrapLine();

    /// <summary>Waits for a line of standard output matching <paramref name="pattern"/> and returns its first group.</summary>
    public async Task<string> WaitForOutputAsync(Regex pattern, CancellationToken cancellationToken)
    {
        while (true)
        {
            foreach (var line in _output)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    return match.Groups[1].Value;
                }
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Every figure of <c>GET /metrics</c> (<see cref="PrometheusText.Parse"/>), read with a viewer key; <paramref name="gc"/> forces a full collection first.</summary>
    public async Task<IReadOnlyDictionary<string, double>> MetricsAsync(string viewerKey, CancellationToken cancellationToken, bool gc = false)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);
        return PrometheusText.Parse(await client.GetStringAsync(gc ? "/metrics?gc=true" : "/metrics", cancellationToken));
    }

    /// <summary>CPU time the server has used.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident memory of the server, from /proc.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>SIGTERM: a graceful stop; returns when the process has exited.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>Kills the server if it still runs; a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    /// <summary>Deletes a data directory, ignoring files still held open.</summary>
    public static void DeleteDataDirectory(string dataDirectory)
    {
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static ProcessStartInfo Info(ServerSettings settings, string dataDirectory, string[] args)
    {
        var serverDll = settings.ServerDll ?? ServerDll;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
        };
        info.ArgumentList.Add(serverDll);
        foreach (var arg in args.Concat(settings.Arguments))
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--Storage:DataDirectory=" + dataDirectory);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = settings.EnvironmentName;
        info.Environment["DOTNET_ENVIRONMENT"] = settings.EnvironmentName;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings.Variables)
        {
            info.Environment[name] = value;
        }

        return info;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
