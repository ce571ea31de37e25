using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Switchboard.Testing;

/// <summary>
/// Debian's nginx in front of test nodes, running the project's own
/// <c>deploy/nginx/switchboard.conf</c> with its node addresses and listen address replaced by
/// loopback ports of the test; a private prefix directory, stopped by its PID when disposed.
/// </summary>
public sealed partial class NginxProxy : IDisposable
{
    private const string Binary = "/usr/sbin/nginx";
    private readonly Process _process;
    private readonly string _directory;

    private NginxProxy(Process process, string directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
    }

    /// <summary>Where nginx listens, <c>http://127.0.0.1:port</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The deployment's configuration file.</summary>
    public static string ConfigurationFile => Path.Combine(ServerProcess.RepositoryRoot, "deploy", "nginx", "switchboard.conf");

    /// <summary>
    /// Starts nginx with <paramref name="nodes"/> as the upstream servers, each with the options the
    /// deployment gives its nodes plus the extra ones given here (such as <c>backup</c>).
    /// </summary>
    public static async Task<NginxProxy> StartAsync(IReadOnlyList<(Uri Node, string Extra)> nodes, CancellationToken cancellationToken)
    {
        if (!File.Exists(Binary))
        {
            throw new FileNotFoundException("nginx is not installed; tests/setup.sh installs Debian's nginx.", Binary);
        }

        var directory = Path.Combine(Path.GetTempPath(), "switchboard-nginx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var port = ServerProcess.FreePort();
        var deployed = await File.ReadAllTextAsync(ConfigurationFile, cancellationToken);
        var servers = UpstreamServer().Matches(deployed);
        if (servers.Count == 0 || !deployed.Contains("listen 127.0.0.1:8080;", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{ConfigurationFile} no longer has the upstream servers and listen address this test replaces.");
        }

        var options = servers[0].Groups["options"].Value;
        var upstream = string.Join("\n", nodes.Select(n => $"    server {n.Node.Authority}{options} {n.Extra};".Replace(" ;", ";", StringComparison.Ordinal)));
        var site = UpstreamServer().Replace(deployed, m => m.Index == servers[0].Index ? upstream + "\n" : "")
            .Replace("listen 127.0.0.1:8080;", $"listen 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(directory, "switchboard.conf"), site, cancellationToken);
        var main = $$"""
            daemon off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                include {{directory}}/switchboard.conf;
            }
            """;
        var conf = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(conf, main, cancellationToken);
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-p", directory, "-c", conf, "-e", Path.Combine(directory, "error.log") })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var proxy = new NginxProxy(process, directory, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                var log = File.Exists(Path.Combine(directory, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "error.log"), cancellationToken) : "";
                proxy.Dispose();
                throw new InvalidOperationException($"nginx exited with code {process.ExitCode}: {log}{await process.StandardError.ReadToEndAsync(cancellationToken)}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, cancellationToken);
                return proxy;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    /// <summary>Stops nginx by its PID and removes its directory.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // SIGTERM lets the master stop its workers; SIGKILL of the tree only if it does not.
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit(5_000);
            }

            if (!_process.WaitForExit(5_000))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }

        _process.Dispose();
        ServerProcess.DeleteDataDirectory(_directory);
    }

    [GeneratedRegex(@"^[ \t]*server 127\.0\.0\.1:\d+(?<options>[^;]*);[ \t]*\n?", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();
}
