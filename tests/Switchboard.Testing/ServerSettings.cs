namespace Switchboard.Testing;

/// <summary>How a <see cref="ServerProcess"/> is started: the build, the environment and where its output goes.</summary>
public sealed record ServerSettings
{
    /// <summary>
    /// What the tests use: the <c>Testing</c> environment, warnings and errors only, and no
    /// scorecard (tests of the log count exact events; the archive's tests switch scoring on).
    /// </summary>
    public static ServerSettings Tests { get; } = new() { Variables = new Dictionary<string, string> { ["Scorecards__Enabled"] = "false" } };

    /// <summary>The server's build to run; by default (null) the one of the caller's own configuration.</summary>
    public string? ServerDll { get; init; }

    /// <summary><c>ASPNETCORE_ENVIRONMENT</c> and <c>DOTNET_ENVIRONMENT</c>.</summary>
    public string EnvironmentName { get; init; } = "Testing";

    /// <summary>Environment variables of the server process, on top of the environment and a Warning log level.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>Settings appended to every command line, such as <c>--Insights:Enabled=false</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Called with each line the running server writes (standard output and error), if set.</summary>
    public Action<string>? Echo { get; init; }
}
