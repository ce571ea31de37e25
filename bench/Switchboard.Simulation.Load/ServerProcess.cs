using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Simulation.Load;

/// <summary>The Switchboard server as a separate process with a fresh data directory, so its memory and CPU are its own.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri url, string dataDirectory)
    {
        _process = process;
        Url = url;
        DataDirectory = dataDirectory;
    }

    public Uri Url { get; }

    public string DataDirectory { get; }

    public int Pid => _process.Id;

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "switchboard-load", Guid.NewGuid().ToString("N"));

    public static async Task<ServerProcess> StartAsync(string serverDll, string data, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var process = Process.Start(Info(serverDll, data, "--urls", $"http://127.0.0.1:{port}"))!;
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"), data);
        using var http = new HttpClient();
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri(server.Url, "healthz"), cancellationToken)).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException("the server did not start within 30 s");
    }

    /// <summary>Creates a key with the server's own command line (it prints only the key).</summary>
    public static string CreateKey(string serverDll, string dataDirectory, string scope)
    {
        using var process = Process.Start(Info(serverDll, dataDirectory, "keys", "create", "--scope", scope, "--name", "load-" + scope))!;
        var key = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? key : throw new InvalidOperationException("keys create failed: " + process.StandardError.ReadToEnd());
    }

    /// <summary>The server's own figures from <c>GET /metrics</c> (Prometheus text), by name.</summary>
    public async Task<Dictionary<string, double>> MetricsAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(Url, "metrics"), cancellationToken);
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && !line.StartsWith('#') && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var value))
            {
                figures[parts[0]] = value;
            }
        }

        return figures;
    }

    /// <summary>Resident memory in bytes and CPU seconds used so far, from /proc.</summary>
    public (long RssBytes, double CpuSeconds) Sample()
    {
        var rss = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (kb * 1024, ticks / 100.0);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
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

    private static ProcessStartInfo Info(string serverDll, string dataDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(serverDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Storage__DataDirectory"] = dataDirectory;
        info.Environment["Demo__Enabled"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        return info;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
