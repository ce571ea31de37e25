namespace Switchboard.Server.Tests.Integration;

/// <summary>The server's command line, run as an operator runs it.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => ServerProcess.DeleteDataDirectory(_dataDirectory);

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_the_commands_and_settings_and_starts_nothing(string flag)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (exitCode, output, _) = await ServerProcess.RunCommandAsync(_dataDirectory, cts.Token, flag);

        Assert.Equal(0, exitCode);
        Assert.Contains("keys create --scope agent|viewer --name NAME", output, StringComparison.Ordinal);
        Assert.Contains("--Storage:DataDirectory", output, StringComparison.Ordinal);
        Assert.Contains("one-time password", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "switchboard.db")), "--help created a database");
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_banner_prints_the_dashboard_the_database_and_both_keys()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var settings = ServerSettings.Tests with { EnvironmentName = "Development" };
        using var server = await ServerProcess.StartAsync(_dataDirectory, settings, cts.Token, "--Demo:Concurrency=1");

        var agentKey = await server.WaitForOutputAsync(new System.Text.RegularExpressions.Regex(@"^\s+agent key\s+(sbk_\S+)"), cts.Token);
        var database = await server.WaitForOutputAsync(new System.Text.RegularExpressions.Regex(@"^\s+database\s+(\S+)"), cts.Token);
        await server.WaitForOutputAsync(new System.Text.RegularExpressions.Regex(@"^\s+dashboard\s+(http://\S+/)"), cts.Token);

        Assert.Equal(Path.Combine(_dataDirectory, "switchboard.db"), database);
        Assert.True(File.Exists(database));
        using var agent = new HttpClient { BaseAddress = server.BaseAddress };
        agent.DefaultRequestHeaders.Authorization = new("Bearer", agentKey);
        await Infrastructure.Events.PostAsync(agent, Infrastructure.Events.Started("MINE"));
    }
}
