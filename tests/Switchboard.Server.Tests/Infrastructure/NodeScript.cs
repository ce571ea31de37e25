using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>
/// Runs a script of <c>tests/conformance</c> under Node with JSON on stdin and returns the JSON it
/// prints. Fails loudly when Node or the npm packages are missing: these checks must not be skipped.
/// </summary>
public static class NodeScript
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    /// <summary>The repository root: the first parent of the test binaries holding Switchboard.slnx.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Switchboard.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No Switchboard.slnx above {AppContext.BaseDirectory}.");
        }
    }

    public static async Task<JsonNode> RunAsync(string script, object input)
    {
        var directory = Path.Combine(RepositoryRoot, "tests", "conformance");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "livekit-server-sdk"))
            || !Directory.Exists(Path.Combine(directory, "node_modules", "@livekit", "protocol")))
        {
            throw new InvalidOperationException(
                $"LiveKit's npm packages are not installed in {directory}: run `npm ci` there (.ci/run does it).");
        }

        var start = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        using var cts = new CancellationTokenSource(Limit);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(input));
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish within {Limit.TotalSeconds} s.");
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited with {process.ExitCode}: {await stderr}");
        }

        return JsonNode.Parse(output) ?? throw new InvalidOperationException($"node {script} printed nothing.");
    }
}
