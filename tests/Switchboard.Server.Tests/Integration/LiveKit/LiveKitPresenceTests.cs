using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Switchboard.Server.Calls;
using Switchboard.Server.LiveKit;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.LiveKit;

public sealed class LiveKitPresenceTests : IAsyncLifetime
{
    private LiveKitApiDouble _api = null!;

    public async Task InitializeAsync() => _api = await LiveKitApiDouble.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task DiscoveredCall_StaysWhileLiveKitShowsItsAgent_AndEndsAsLostOnceTheAgentIsGone()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var configured = LiveKitSetup.App(_api);
        using var app = configured.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var room = _api.AddRoom("RM_quiet", "call-quiet");
        var agent = room.Add("agent-q", "AGENT", "TR_q");
        var reconciler = app.Services.GetRequiredService<LiveKitReconciler>();
        var guard = app.Services.GetServices<IHostedService>().OfType<LostAgentGuard>().Single();
        var timeout = TimeSpan.FromSeconds(app.Services.GetRequiredService<IOptions<CallsOptions>>().Value.AgentTimeoutSeconds);
        var live = app.Services.GetRequiredService<LiveCalls>();

        Assert.Equal(1, (await reconciler.ReconcileAsync(CancellationToken.None)).Discovered);
        clock.Advance(timeout * 0.75);
        await reconciler.ReconcileAsync(CancellationToken.None);
        clock.Advance(timeout * 0.5);
        await guard.SweepAsync(timeout, CancellationToken.None);
        var stillActive = live.Find("RM_quiet") is not null;

        lock (room.Participants)
        {
            room.Participants.Remove(agent);
        }

        clock.Advance(timeout * 0.75);
        await reconciler.ReconcileAsync(CancellationToken.None);
        clock.Advance(timeout * 0.5);
        await guard.SweepAsync(timeout, CancellationToken.None);

        Assert.True(stillActive, "the call was ended while LiveKit showed its agent in the room");
        Assert.Null(live.Find("RM_quiet"));
        using var viewer = app.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", (await app.Services.GetRequiredService<Identity.ApiKeyStore>().CreateAsync("v", "viewer", CancellationToken.None)).Secret);
        var call = await viewer.GetFromJsonAsync<JsonObject>("/api/v1/calls/RM_quiet");
        Assert.Equal("agent_error", (string?)call!["endReason"]);
    }

    [Fact]
    public void PartialConfiguration_StopsTheServerFromStarting_WithAClearMessage()
    {
        using var app = new SwitchboardApp();
        app.Settings["LiveKit:Url"] = "wss://example.livekit.cloud";

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("LiveKit:Url, LiveKit:ApiKey and LiveKit:ApiSecret must be set together", error.Message, StringComparison.Ordinal);
    }
}
