using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed class LostAgentGuardTests : IDisposable
{
    private readonly SwitchboardApp _app = new();

    public LostAgentGuardTests()
    {
        _app.Settings["Calls:AgentTimeoutSeconds"] = "1.5";
        _app.Settings["Calls:GuardIntervalSeconds"] = "0.1";
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_silent_call_is_ended_with_agent_error_while_a_call_with_heartbeats_stays_active()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var agent = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Agent));
        using var viewer = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Viewer));
        await Events.PostAsync(agent, Events.Started("SILENT"), Events.Started("ALIVE"));

        var beat = 0;
        while (true)
        {
            await Events.PostAsync(agent, Events.Make("ALIVE", "hb-" + beat++, EventTypes.AgentHeartbeat));
            var silent = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls/SILENT", cts.Token);
            if (silent.GetProperty("status").GetString() == "ended")
            {
                Assert.Equal("agent_error", silent.GetProperty("endReason").GetString());
                break;
            }

            await Task.Delay(150, cts.Token);
        }

        var list = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls", cts.Token);
        Assert.Equal("ALIVE", Assert.Single(list.GetProperty("calls").EnumerateArray()).GetProperty("callId").GetString());
        var events = await Events.ReadAllAsync(viewer, "SILENT");
        Assert.Equal(EventTypes.CallEnded, events[^1].Type);
        Assert.Equal(2, events.Count);
    }
}
