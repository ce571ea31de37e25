namespace Switchboard.Server.Operations;

/// <summary><c>--help</c>: what the server's command line takes, printed instead of starting it.</summary>
public static class HelpCommand
{
    /// <summary>True when the arguments ask for help.</summary>
    public static bool Matches(string[] args) => args.Any(a => a is "--help" or "-h" or "-?" or "help");

    /// <summary>Prints the help and returns the exit code.</summary>
    public static int Run(TextWriter output)
    {
        output.WriteLine("""
            Switchboard: real-time supervision for AI voice agents on LiveKit.

            Usage:
              Switchboard.Server [--Section:Setting=value ...]     run the server
              Switchboard.Server keys create --scope agent|viewer --name NAME
                                                                  create an API key (prints only the key)
              Switchboard.Server keys list                         list API keys (never the secrets)
              Switchboard.Server keys revoke KEY_ID                revoke a key; open streams and sockets
                                                                  with it end within seconds
              Switchboard.Server --help                            this text

            From a clone: dotnet run --project src/Switchboard.Server -- [arguments]

            Common settings (as --Section:Setting=value, or environment variables Section__Setting):
              --urls http://127.0.0.1:5000        where to listen (the demo profile uses http://localhost:5000)
              --Storage:DataDirectory=PATH        the database directory (default ./data of the working
                                                  directory; dotnet run starts in src/Switchboard.Server)
              --Demo:Enabled=true|false           simulated calls through the agent SDK (on in Development)
              --Calls:AgentTimeoutSeconds=60      end calls whose agent went silent
              --Insights:Enabled=true|false       sentiment and attention scoring
              --LiveKit:Url=... --LiveKit:ApiKey=... --LiveKit:ApiSecret=...
                                                  the LiveKit server API (off until set)
              --Operations:TrustedProxies:0=IP    believe X-Forwarded-For from this proxy

            On its first start the server creates the account 'admin' and prints its one-time password
            on standard output. The dashboard is at the server's address; the API is described at
            /openapi/v1.json. Documentation: README.md and docs/ of the repository.
            """);
        return 0;
    }
}
