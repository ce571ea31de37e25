using System.Net.Http.Headers;
using System.Text.Json;
using Switchboard.Testing;
using Switchboard.Testing.OpenAiCompatible;

namespace Switchboard.Agents.Tests.Demo;

/// <summary>The server's demo with <c>Demo:Llm:*</c>: some calls are answered by the reference agents and a scripted caller.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task With_a_model_configured_the_demo_runs_agent_calls_whose_replies_come_from_the_model()
    {
        await using var model = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Say("Certainly, I can help with that."));
        var data = Path.Combine(Path.GetTempPath(), "switchboard-agents-demo", Guid.NewGuid().ToString("N"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var viewer = await ServerProcess.CreateKeyAsync(data, ServerSettings.Tests, "viewer", "demo-test", timeout.Token);
        using var server = await ServerProcess.StartAsync(data, timeout.Token,
            "--Demo:Enabled=true", "--Demo:Concurrency=2", "--Demo:CallsPerSecond=0.01", "--Demo:Llm:Calls=1", "--Demo:Llm:PauseSeconds=0.1",
            $"--Demo:Llm:BaseUrl={model.BaseUrl}", "--Demo:Llm:Model=demo-model", "--Demo:Llm:ApiKey=demo-key");
        try
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", viewer);
            string? agentCall = null;
            while (agentCall is null)
            {
                await Task.Delay(200, timeout.Token);
                var calls = JsonDocument.Parse(await http.GetStringAsync("api/v1/calls", timeout.Token)).RootElement.GetProperty("calls");
                agentCall = calls.EnumerateArray().Select(c => c.GetProperty("callId").GetString()).FirstOrDefault(id => id!.StartsWith("AGENT_", StringComparison.Ordinal));
            }

            while (true)
            {
                var events = JsonDocument.Parse(await http.GetStringAsync($"api/v1/calls/{agentCall}/events?after=0", timeout.Token)).RootElement.GetProperty("events");
                var agentLines = events.EnumerateArray().Where(e => e.GetProperty("type").GetString() == "transcript.final" && e.GetProperty("data").GetProperty("speaker").GetString() == "agent")
                    .Select(e => e.GetProperty("data").GetProperty("text").GetString()).ToList();
                var callerLines = events.EnumerateArray().Count(e => e.GetProperty("type").GetString() == "transcript.final" && e.GetProperty("data").GetProperty("speaker").GetString() == "customer");
                if (agentLines.Contains("Certainly, I can help with that.") && callerLines >= 1)
                {
                    Assert.Contains(events.EnumerateArray(), e => e.GetProperty("type").GetString() == "metrics.turn" && e.GetProperty("data").GetProperty("model").GetString() == "demo-model");
                    break;
                }

                await Task.Delay(200, timeout.Token);
            }

            Assert.Contains(model.Requests, r => r.Model == "demo-model");
        }
        finally
        {
            server.Dispose();
            ServerProcess.DeleteDataDirectory(data);
        }
    }
}
