using System.Diagnostics;

namespace Switchboard.Dashboard.Tests.Infrastructure;

/// <summary>The call simulator (<c>switchboard-agent simulate</c>) as a process: calls driven through the SDK.</summary>
public sealed class Simulator : IDisposable
{
    private readonly Process _process;

    private Simulator(Process process) => _process = process;

    /// <summary>Scenario files written for these tests (long calls, a certain escalation).</summary>
    public static string TestScenarios => Path.Combine(AppContext.BaseDirectory, "Scenarios");

    private static string AgentDll
    {
        get
        {
            var server = ServerProcess.ServerDll;
            var dll = Path.Combine(Path.GetDirectoryName(server)!.Replace(
                Path.Combine("src", "Switchboard.Server"), Path.Combine("src", "Switchboard.Agents"), StringComparison.Ordinal), "switchboard-agent.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the agents first.", dll);
        }
    }

    public static Simulator Start(Uri server, string agentKey, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AgentDll);
        info.ArgumentList.Add("simulate");
        info.ArgumentList.Add("--server");
        info.ArgumentList.Add(server.ToString());
        info.ArgumentList.Add("--key");
        info.ArgumentList.Add(agentKey);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Simulator(process);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
