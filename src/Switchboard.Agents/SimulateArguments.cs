using System.Globalization;
using Switchboard.Simulation;

namespace Switchboard.Agents;

/// <summary>The command line of <c>switchboard-agent simulate</c>.</summary>
internal sealed record SimulateArguments(Uri Server, string ApiKey, int Connections, string? ScenarioDirectory, SimulationOptions Simulation)
{
    public const string Usage = """
        usage: switchboard-agent simulate --server URL --key AGENT_KEY [options]
          --server URL          Switchboard base address (or SWITCHBOARD_URL)
          --key KEY             agent API key (or SWITCHBOARD_API_KEY)
          --concurrency N       most calls at once (default 20)
          --rate R              new calls per second (default 1)
          --calls N             stop after N calls (default: no limit)
          --duration SECONDS    stop starting calls after this long (default: no limit)
          --seed S              random seed (default 42): the same seed gives the same calls
          --time-scale X        multiply every delay (default 1; 0.1 runs ten times faster)
          --scenario ID[,ID]    only these scenarios (see 'switchboard-agent scenarios')
          --scenarios DIR       load scenario YAML files from DIR instead of the built-in ones
          --connections N       SDK clients (agent processes) to spread calls over (default: 1 per 250 calls)
          --crash-share X       share of agents that crash without reporting the end (overrides scenarios)
          --hangup-share X      share of callers that hang up part-way (overrides scenarios)
          --run-id ID           call id prefix (default: derived from the time)
        """;

    public static SimulateArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            values[args[i][2..]] = args[++i];
        }

        string? Get(string name) => values.Remove(name, out var v) ? v : null;
        double Number(string name, double fallback) => Get(name) is { } v
            ? double.Parse(v, CultureInfo.InvariantCulture)
            : fallback;

        var server = Get("server") ?? Environment.GetEnvironmentVariable("SWITCHBOARD_URL") ?? throw new ArgumentException("--server is required");
        var key = Get("key") ?? Environment.GetEnvironmentVariable("SWITCHBOARD_API_KEY") ?? throw new ArgumentException("--key is required");
        var options = new SimulationOptions
        {
            Concurrency = (int)Number("concurrency", 20),
            CallsPerSecond = Number("rate", 1),
            TotalCalls = (int)Number("calls", 0),
            Duration = Get("duration") is { } d ? TimeSpan.FromSeconds(double.Parse(d, CultureInfo.InvariantCulture)) : null,
            Seed = (int)Number("seed", 42),
            TimeScale = Number("time-scale", 1),
            ScenarioIds = Get("scenario") is { } s ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
            CrashShare = Get("crash-share") is { } c ? double.Parse(c, CultureInfo.InvariantCulture) : null,
            HangupShare = Get("hangup-share") is { } h ? double.Parse(h, CultureInfo.InvariantCulture) : null,
        };
        if (Get("run-id") is { } runId)
        {
            options.RunId = runId;
        }

        var connections = (int)Number("connections", Math.Clamp(options.Concurrency / 250, 1, 16));
        var directory = Get("scenarios");
        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown option --{values.Keys.First()}");
        }

        if (!Uri.TryCreate(server, UriKind.Absolute, out var url))
        {
            throw new ArgumentException($"--server '{server}' is not an absolute URL");
        }

        return new SimulateArguments(url, key, Math.Max(1, connections), directory, options);
    }
}
