using System.Net.Http.Json;

namespace Switchboard.Server.Tests.Integration;

/// <summary>
/// Behind a reverse proxy: the client address (login throttle, audit) comes from
/// <c>X-Forwarded-For</c> only when the proxy is listed in <c>Operations:TrustedProxies</c>.
/// The server runs as a real process, so the proxy's address is a real TCP peer (127.0.0.1).
/// </summary>
public sealed class ProxyTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => ServerProcess.DeleteDataDirectory(_dataDirectory);

    [Theory]
    [InlineData(true, 401)]
    [InlineData(false, 429)]
    public async Task A_forwarded_caller_has_a_login_budget_of_its_own_only_behind_a_trusted_proxy(bool trusted, int secondCallersFirstAttempt)
    {
        // Three attempts a minute per client address. Behind a trusted proxy the second caller
        // starts with a full budget; otherwise X-Forwarded-For is ignored and both are the peer.
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        string[] settings = trusted
            ? ["--Accounts:LoginPermitsPerMinute=3", "--Operations:TrustedProxies:0=127.0.0.1"]
            : ["--Accounts:LoginPermitsPerMinute=3"];
        using var server = await ServerProcess.StartAsync(_dataDirectory, cts.Token, settings);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        Assert.Equal(new[] { 401, 401, 401, 429 }, await AttemptsAsync(client, "203.0.113.7", 4, cts.Token));
        Assert.Equal(new[] { secondCallersFirstAttempt }, await AttemptsAsync(client, "198.51.100.9", 1, cts.Token));
    }

    [Fact]
    public async Task A_trusted_proxy_that_is_not_an_address_stops_the_server_from_starting()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(_dataDirectory, cts.Token, "--Operations:TrustedProxies:0=proxy.example"));
        Assert.Contains("exited", failed.Message, StringComparison.Ordinal);
    }

    private static async Task<int[]> AttemptsAsync(HttpClient client, string forwardedFor, int count, CancellationToken cancellationToken)
    {
        var codes = new int[count];
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
            {
                Content = JsonContent.Create(new { username = "admin", password = "guess" + i }),
            };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await client.SendAsync(request, cancellationToken);
            codes[i] = (int)response.StatusCode;
        }

        return codes;
    }
}
