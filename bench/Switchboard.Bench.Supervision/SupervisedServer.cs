using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Switchboard.Bench.Supervision;

/// <summary>
/// The server as a separate process on loopback with a fresh data directory, started the way an
/// operator starts it: an agent key from the command line, the first admin's one-time password
/// read from standard output.
/// </summary>
internal sealed partial class SupervisedServer : IDisposable
{
    private readonly Process _process;

    private SupervisedServer(Process process, Uri baseAddress, string agentKey, string adminPassword, string dataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        AgentKey = agentKey;
        AdminPassword = adminPassword;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

    public string AgentKey { get; }

    public string AdminPassword { get; }

    public string DataDirectory { get; }

    public static async Task<SupervisedServer> StartAsync(string serverDll, string dataDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        using (var keys = Process.Start(Info(serverDll, dataDirectory, "keys", "create", "--scope", "agent", "--name", "bench-agent"))!)
        {
            var key = (await keys.StandardOutput.ReadToEndAsync(cancellationToken)).Trim();
            await keys.WaitForExitAsync(cancellationToken);
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            var process = Process.Start(Info(serverDll, dataDirectory, "--urls", baseAddress.ToString()))!;
            var password = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null && BootstrapLine().Match(e.Data) is { Success: true } m)
                {
                    password.TrySetResult(m.Groups[1].Value);
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
            var adminPassword = await password.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
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

            return new SupervisedServer(process, baseAddress, key, adminPassword, dataDirectory);
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

    private static ProcessStartInfo Info(string serverDll, string dataDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(serverDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.ArgumentList.Add("--Storage:DataDirectory=" + dataDirectory);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Calls__AgentTimeoutSeconds"] = "3600";
        return info;
    }

    [GeneratedRegex("password '([^']+)'")]
    private static partial Regex BootstrapLine();
}
