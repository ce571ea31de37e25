using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed class DurabilityTests : IDisposable
{
    private readonly SqliteDirectories _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    [Fact]
    public async Task A_restarted_server_shows_the_same_active_calls_and_continues_their_sequences()
    {
        string agentKey, viewerKey;
        using (var first = new SwitchboardApp(_sqlite.Root))
        {
            agentKey = first.CreateKey(ApiKeyScopes.Agent);
            viewerKey = first.CreateKey(ApiKeyScopes.Viewer);
            using var agent = first.ClientWithKey(agentKey);
            await Events.PostAsync(agent, Events.Started("A"), Events.Line("A", "a1", "still talking"), Events.Make("A", "s1", EventTypes.AgentState, new { state = "thinking" }));
            await Events.PostAsync(agent, Events.Started("B"), Events.Ended("B"));
        }

        using var second = new SwitchboardApp(_sqlite.Root);
        using var viewer = second.ClientWithKey(viewerKey);
        var list = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls");
        var call = Assert.Single(list.GetProperty("calls").EnumerateArray());
        Assert.Equal("A", call.GetProperty("callId").GetString());
        Assert.Equal("thinking", call.GetProperty("agentState").GetString());
        Assert.Equal("still talking", call.GetProperty("lastLine").GetProperty("text").GetString());

        using var agentAgain = second.ClientWithKey(agentKey);
        var ack = await Events.PostAsync(agentAgain, Events.Line("A", "a2", "after restart"), Events.Line("A", "a1", "still talking"));
        Assert.Equal(4, ack.Results[0].Seq);
        Assert.Equal(2, ack.Results[1].Seq);
        Assert.True(ack.Results[1].Duplicate);
    }

    [Fact]
    public async Task Every_acknowledged_event_survives_kill_9_under_load()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var created = await ServerProcess.RunCommandAsync(_sqlite.Root, cts.Token, "keys", "create", "--scope", "agent", "--name", "loader");
        Assert.Equal(0, created.ExitCode);
        var agentKey = created.Output.Trim();
        Assert.Matches("^sbk_[A-Za-z0-9_-]{43}$", agentKey);
        var viewerKey = (await ServerProcess.RunCommandAsync(_sqlite.Root, cts.Token, "keys", "create", "--scope", "viewer", "--name", "checker")).Output.Trim();

        var acknowledged = new ConcurrentDictionary<string, (string CallId, long Seq)>();
        using (var server = await ServerProcess.StartAsync(_sqlite.Root, cts.Token))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", agentKey);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var b = 0; b < 2000 && !stop.IsCancellationRequested; b++)
                {
                    var batch = Enumerable.Range(0, 20).Select(i => Events.Line($"K{w}", $"k{w}-{b}-{i}", "load")).ToArray();
                    try
                    {
                        using var response = await client.PostAsJsonAsync("/api/v1/events", Events.Batch(batch), stop.Token);
                        var ack = await response.Content.ReadFromJsonAsync<BatchAck>(ContractJson.Options, stop.Token);
                        foreach (var r in ack!.Results)
                        {
                            acknowledged[r.Id] = (r.CallId, r.Seq);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException)
                    {
                        return;
                    }
                }
            })).ToArray();

            while (acknowledged.Count < 4000)
            {
                await Task.Delay(10, cts.Token);
            }

            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        using var restarted = await ServerProcess.StartAsync(_sqlite.Root, cts.Token);
        using var viewer = new HttpClient { BaseAddress = restarted.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);
        var stored = new Dictionary<string, long>();
        for (var w = 0; w < 4; w++)
        {
            var events = await Events.ReadAllAsync(viewer, $"K{w}");
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
            foreach (var e in events)
            {
                stored[e.Id] = e.Seq;
            }
        }

        Assert.True(acknowledged.Count >= 4000);
        var missing = acknowledged.Where(a => !stored.TryGetValue(a.Key, out var seq) || seq != a.Value.Seq).Select(a => a.Key).ToList();
        Assert.Empty(missing);
    }
}
