using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Bench;

/// <summary>The server's Release build as a separate process on a loopback port, with a fresh data directory.</summary>
internal sealed class ServerUnderTest : IDisposable
{
    private readonly Process _process;

    private ServerUnderTest(Process process, Uri baseAddress, string agentKey, string viewerKey, string dataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        AgentKey = agentKey;
        ViewerKey = viewerKey;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

    public string AgentKey { get; }

    public string ViewerKey { get; }

    public string DataDirectory { get; }

    public int ProcessId => _process.Id;

    public static async Task<ServerUnderTest> StartAsync(string serverDll, string dataDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var agentKey = await RunAsync(serverDll, dataDirectory, cancellationToken, "keys", "create", "--scope", "agent", "--name", "bench-agent");
        var viewerKey = await RunAsync(serverDll, dataDirectory, cancellationToken, "keys", "create", "--scope", "viewer", "--name", "bench-viewer");
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var process = Process.Start(Info(serverDll, dataDirectory, "--urls", baseAddress.ToString(), "--Operations:AllowGcOnMetrics=true"))!;
        process.OutputDataReceived += (_, e) =>
        {
            // Warnings and errors only (the server runs with Logging:LogLevel:Default=Warning).
            if (e.Data is not null && !string.IsNullOrWhiteSpace(e.Data))
            {
                Console.Error.WriteLine("server: " + e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("server: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; ; i++)
        {
            try
            {
                if ((await probe.GetAsync("/readyz", cancellationToken)).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (i < 300)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        return new ServerUnderTest(process, baseAddress, agentKey, viewerKey, dataDirectory);
    }

    /// <summary>Reads one figure from /metrics (optionally after a forced full collection).</summary>
    public async Task<double> MetricAsync(string name, bool gc, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        var text = await client.GetStringAsync(gc ? "/metrics?gc=true" : "/metrics", cancellationToken);
        var line = text.Split('\n').First(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Every unlabelled figure from /metrics.</summary>
    public async Task<IReadOnlyDictionary<string, double>> MetricsAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        var text = await client.GetStringAsync("/metrics", cancellationToken);
        return text.Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#' && l.IndexOf(' ', StringComparison.Ordinal) > 0)
            .Select(l => l.Split(' ', 2))
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    /// <summary>Resident memory of the server process, from /proc.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
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

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<string> RunAsync(string serverDll, string dataDirectory, CancellationToken cancellationToken, params string[] args)
    {
        using var process = Process.Start(Info(serverDll, dataDirectory, args))!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException("keys create failed: " + await process.StandardError.ReadToEndAsync(cancellationToken));
    }

    private static ProcessStartInfo Info(string serverDll, string dataDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(serverDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.ArgumentList.Add("--Storage:DataDirectory=" + dataDirectory);
        // Extra server settings for an experiment, e.g. SWITCHBOARD_BENCH_SERVER_ARGS="--Insights:Enabled=false".
        foreach (var extra in (Environment.GetEnvironmentVariable("SWITCHBOARD_BENCH_SERVER_ARGS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            info.ArgumentList.Add(extra);
        }

        // Runtime settings for an experiment, e.g. SWITCHBOARD_BENCH_SERVER_ENV="DOTNET_TieredPGO=0".
        foreach (var pair in (Environment.GetEnvironmentVariable("SWITCHBOARD_BENCH_SERVER_ENV") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            info.Environment[pair[..equals]] = pair[(equals + 1)..];
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Calls__AgentTimeoutSeconds"] = "3600";
        return info;
    }
}
