using System.Text.RegularExpressions;
using Switchboard.Testing;

namespace Switchboard.Bench.Supervision;

/// <summary>
/// The server as a separate process on loopback with a fresh data directory, started the way an
/// operator starts it: an agent key from the command line, the first admin's one-time password
/// read from standard output.
/// </summary>
internal sealed partial class SupervisedServer : IDisposable
{
    private readonly ServerProcess _process;

    private SupervisedServer(ServerProcess process, string agentKey, string adminPassword)
    {
        _process = process;
        AgentKey = agentKey;
        AdminPassword = adminPassword;
    }

    public Uri BaseAddress => _process.BaseAddress;

    public string AgentKey { get; }

    public string AdminPassword { get; }

    public static async Task<SupervisedServer> StartAsync(string serverDll, string dataDirectory, CancellationToken cancellationToken)
    {
        var settings = new ServerSettings
        {
            ServerDll = serverDll,
            EnvironmentName = "Production",
            Variables = new Dictionary<string, string> { ["Calls__AgentTimeoutSeconds"] = "3600" },
        };
        var key = await ServerProcess.CreateKeyAsync(dataDirectory, settings, "agent", "bench-agent", cancellationToken);
        var process = await ServerProcess.StartAsync(dataDirectory, settings, cancellationToken);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(60));
        var password = await process.WaitForOutputAsync(BootstrapLine(), patience.Token);
        return new SupervisedServer(process, key, password);
    }

    public void Dispose()
    {
        _process.Dispose();
        ServerProcess.DeleteDataDirectory(_process.DataDirectory);
    }

    [GeneratedRegex("password '([^']+)'")]
    private static partial Regex BootstrapLine();
}
