using System.Security.Cryptography;

namespace Switchboard.Server.Identity;

/// <summary>
/// On the first start (no accounts at all) creates the account <c>admin</c> with a random password,
/// prints it once, and requires it to be changed at first login.
/// </summary>
public sealed partial class AdminBootstrap(UserStore users, BootstrapNotice notice, ILogger<AdminBootstrap> logger) : IHostedService
{
    /// <summary>The bootstrapped account's name.</summary>
    public const string Username = "admin";

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await users.CountAsync(cancellationToken) > 0)
        {
            return;
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
        try
        {
            await users.CreateAsync(Username, password, Roles.Admin, ["*"], mustChangePassword: true, cancellationToken);
        }
        catch (InvalidAccountFieldException)
        {
            // Another node created it first.
            return;
        }

        notice.Output.WriteLine($"Switchboard: created the first account. Sign in as '{Username}' with password '{password}' and choose a new password; this is shown only once.");
        notice.Output.Flush();
        LogBootstrapped(Username);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Created the first admin account '{Username}'; its one-time password was printed to standard output")]
    private partial void LogBootstrapped(string username);
}
