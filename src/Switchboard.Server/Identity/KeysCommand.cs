namespace Switchboard.Server.Identity;

/// <summary>
/// The <c>keys</c> command line: <c>keys create --scope agent|viewer --name NAME</c> prints only the
/// key; <c>keys list</c>; <c>keys revoke ID</c>.
/// </summary>
public static class KeysCommand
{
    /// <summary>True when the arguments ask for this command.</summary>
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "keys";

    /// <summary>Runs the command and returns the process exit code.</summary>
    public static int Run(string[] args, ApiKeyStore keys, TextWriter output, TextWriter error)
    {
        var verb = args.Length > 1 ? args[1] : "";
        switch (verb)
        {
            case "create":
                var scope = Option(args, "--scope");
                var name = Option(args, "--name");
                if (scope is null || name is null)
                {
                    error.WriteLine("usage: keys create --scope agent|viewer --name NAME");
                    return 2;
                }

                try
                {
                    output.WriteLine(keys.CreateAsync(name, scope, CancellationToken.None).GetAwaiter().GetResult().Secret);
                    return 0;
                }
                catch (InvalidAccountFieldException ex)
                {
                    error.WriteLine(ex.Message);
                    return 2;
                }

            case "list":
                foreach (var k in keys.ListAsync(CancellationToken.None).GetAwaiter().GetResult())
                {
                    output.WriteLine($"{k.Id}\t{k.Scope}\t{k.Name}\t{k.Prefix}…\t{k.CreatedAt:u}\t{(k.RevokedAt is null ? "active" : "revoked")}");
                }

                return 0;
            case "revoke" when args.Length > 2:
                if (keys.RevokeAsync(args[2], CancellationToken.None).GetAwaiter().GetResult())
                {
                    output.WriteLine($"revoked {args[2]}");
                    return 0;
                }

                error.WriteLine($"no active key with id {args[2]}");
                return 1;
            default:
                error.WriteLine("usage: keys create --scope agent|viewer --name NAME | keys list | keys revoke ID");
                return 2;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
