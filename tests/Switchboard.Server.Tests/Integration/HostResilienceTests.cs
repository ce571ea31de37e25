using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.Contracts.Events;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>What one agent key sends must not stop or stall the server: the real server process, as an operator runs it.</summary>
public sealed partial class HostResilienceTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => ServerProcess.DeleteDataDirectory(_dataDirectory);

    [Fact]
    public async Task A_silent_call_with_a_128_character_id_is_ended_by_the_guard_and_the_server_keeps_running_after_restarts()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var agentKey = await ServerProcess.CreateKeyAsync(_dataDirectory, ServerSettings.Tests, "agent", "agent", cts.Token);
        var viewerKey = await ServerProcess.CreateKeyAsync(_dataDirectory, ServerSettings.Tests, "viewer", "viewer", cts.Token);
        string[] guard = ["--Calls:AgentTimeoutSeconds=1", "--Calls:GuardIntervalSeconds=0.2"];
        var longId = "RM_" + new string('x', Limits.ShortText - 3);

        using (var server = await ServerProcess.StartAsync(_dataDirectory, cts.Token, guard))
        {
            using var agent = Client(server, agentKey);
            await Events.PostAsync(agent, Events.Started(longId), Events.Started("OTHER"));
            using var viewer = Client(server, viewerKey);
            await WaitForEndAsync(viewer, longId, cts.Token);
            await WaitForEndAsync(viewer, "OTHER", cts.Token);
            // The guard ran its next passes too; the process is still there and answers.
            await Task.Delay(1000, cts.Token);
            Assert.False(server.HasExited, "the server exited after the guard ended a call with a long id");
            Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/readyz", cts.Token)).StatusCode);
            var events = await Events.ReadAllAsync(viewer, longId);
            Assert.Equal("agent_error", events[^1].Data.GetProperty("reason").GetString());
            Assert.True(events[^1].Id.Length <= Limits.ShortText);
            await server.StopAsync(cts.Token);
        }

        // A restart reads the same data and stays up.
        using (var again = await ServerProcess.StartAsync(_dataDirectory, cts.Token, guard))
        {
            await Task.Delay(1500, cts.Token);
            Assert.False(again.HasExited);
        }
    }

    [Fact]
    public async Task A_body_that_arrives_too_slowly_is_answered_408_with_a_problem_and_not_logged_as_a_failure()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var agentKey = await ServerProcess.CreateKeyAsync(_dataDirectory, ServerSettings.Tests, "agent", "agent", cts.Token);
        var lines = new List<string>();
        var settings = ServerSettings.Tests with { Echo = line => { lock (lines) { lines.Add(line); } } };
        using var server = await ServerProcess.StartAsync(_dataDirectory, settings, cts.Token);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, cts.Token);
        var stream = tcp.GetStream();
        var head = $"POST /api/v1/events HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nAuthorization: Bearer {agentKey}\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"events\": [";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cts.Token);
        // Kestrel's minimum body rate (240 bytes/s after a 5 s grace period) is not met: a byte a second.
        var response = new StringBuilder();
        var buffer = new byte[8192];
        var reading = stream.ReadAsync(buffer, cts.Token).AsTask();
        while (!reading.IsCompleted)
        {
            await stream.WriteAsync(" "u8.ToArray(), cts.Token);
            await Task.WhenAny(reading, Task.Delay(1000, cts.Token));
        }

        var read = await reading;
        while (read > 0)
        {
            response.Append(Encoding.UTF8.GetString(buffer, 0, read));
            if (response.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && response.ToString().Contains('}', StringComparison.Ordinal))
            {
                break;
            }

            read = await stream.ReadAsync(buffer, cts.Token);
        }

        var text = response.ToString();
        Assert.StartsWith("HTTP/1.1 408", text, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", text, StringComparison.Ordinal);
        Assert.Contains("too slowly", text, StringComparison.Ordinal);
        Assert.False(server.HasExited);
        lock (lines)
        {
            Assert.DoesNotContain(lines, l => FailureLine().IsMatch(l));
        }
    }

    private static async Task WaitForEndAsync(HttpClient viewer, string callId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var call = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/calls/{Uri.EscapeDataString(callId)}", cancellationToken);
            if (call.GetProperty("status").GetString() == "ended")
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static HttpClient Client(ServerProcess server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    [GeneratedRegex(@"^(fail|crit):")]
    private static partial Regex FailureLine();
}
