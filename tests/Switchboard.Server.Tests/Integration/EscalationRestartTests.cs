using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Commands;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed class EscalationRestartTests
{
    [Fact]
    public async Task A_pending_request_survives_a_restart_and_its_answer_reaches_the_reconnected_agent()
    {
        var directory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));
        var callId = AgentEvents.NewCallId();
        string agentKey;
        using (var before = new SwitchboardApp(directory))
        {
            agentKey = before.CreateKey("agent");
            before.CreateUser(Roles.Supervisor, "sam");
            using var sam = await SignInAsync(before, "sam");
            await using var online = await LiveStream.OpenAsync(sam, "/api/v1/escalations/stream", "snapshot");
            await using var agent = await CommandAgent.ConnectAsync(before, agentKey);
            await agent.SendAsync(AgentEvents.CallStarted(callId), AgentEvents.Escalate(callId, "q1", "Can we refund twice?", "billing", timeoutMs: 600_000));
            await online.NextOpenRequestAsync();
        }

        using (var after = new SwitchboardApp(directory))
        {
            using var sam = await SignInAsync(after, "sam");
            var pending = await sam.GetFromJsonAsync<JsonElement>("/api/v1/escalations");
            var request = pending.EnumerateArray().Single().GetProperty("request");
            Assert.Equal("q1", request.GetProperty("requestId").GetString());

            using var answer = await sam.PostAsJsonAsync($"/api/v1/escalations/{request.GetProperty("id").GetString()}/answer", new { answer = "Yes." });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

            // The agent was away when the answer was given: it gets it when it subscribes again.
            await using var agent = await CommandAgent.ConnectAsync(after, agentKey);
            await agent.SubscribeAsync(callId);
            var command = await agent.NextCommandAsync(CommandTypes.EscalationAnswer);
            Assert.Equal(("q1", "Yes."), (CommandAgent.Field(command, "requestId"), CommandAgent.Field(command, "answer")));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static async Task<HttpClient> SignInAsync(SwitchboardApp app, string username)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", await Sessions.LoginAsync(client, username, Sessions.Password));
        return client;
    }
}
