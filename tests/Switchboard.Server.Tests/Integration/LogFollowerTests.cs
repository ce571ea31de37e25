using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>A follower of the log that falls behind is late, never missing anything.</summary>
public sealed class LogFollowerTests : IDisposable
{
    private readonly SwitchboardApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_follower_whose_buffer_overflowed_reads_the_rest_from_the_log_once_each_in_order_per_call()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var agent = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Agent));
        await Events.PostAsync(agent, Events.Started("OLD"));
        using var follower = await LogFollower.StartAsync(
            _app.Services.GetRequiredService<EventHub>(), _app.Services.GetRequiredService<IEventStore>(), 64, ["OLD"], cts.Token);

        // Far more than the buffer holds, over old and new calls, while nobody reads.
        for (var b = 0; b < 20; b++)
        {
            await Events.PostAsync(agent, [.. Enumerable.Range(0, 100).Select(i => Events.Line(i % 2 == 0 ? "OLD" : $"NEW{b % 4}", $"b{b}-{i}", "line"))]);
        }

        var seen = new List<StoredEvent>();
        var batch = new List<StoredEvent>();
        while (seen.Count < 2000)
        {
            Assert.True(await follower.NextAsync(batch, 300, cts.Token));
            seen.AddRange(batch);
            batch.Clear();
        }

        Assert.True(follower.CatchUps >= 1);
        Assert.Equal(2000, seen.Count);
        Assert.Equal(2000, seen.Select(e => (e.CallId, e.Seq)).Distinct().Count());
        foreach (var call in seen.GroupBy(e => e.CallId))
        {
            var seqs = call.Select(e => e.Seq).ToList();
            var first = call.Key == "OLD" ? 2 : 1;
            Assert.Equal(Enumerable.Range(first, seqs.Count).Select(n => (long)n), seqs);
        }
    }

    [Fact]
    public async Task The_sentiment_analyzer_scores_every_line_of_a_burst_larger_than_its_buffer()
    {
        _app.Settings["Insights:Enabled"] = "true";
        _app.Settings["Insights:BufferCapacity"] = "64";
        using var agent = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Agent));
        using var viewer = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Viewer));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Events.PostAsync(agent, [.. Enumerable.Range(0, 10).Select(c => Events.Started($"S{c}", "start"))]);
        for (var b = 0; b < 10; b++)
        {
            await Events.PostAsync(agent, [.. Enumerable.Range(0, 200).Select(i => Events.Line($"S{i % 10}", $"b{b}-{i}", i % 3 == 0 ? "This is terrible, I am furious" : "Thanks, that is great"))]);
        }

        while (true)
        {
            var scored = 0;
            for (var c = 0; c < 10; c++)
            {
                scored += (await Events.ReadAllAsync(viewer, $"S{c}")).Count(e => e.Type == EventTypes.SentimentScored);
            }

            if (scored == 2000)
            {
                break;
            }

            Assert.True(scored < 2000, $"{scored} scores for 2000 lines");
            await Task.Delay(100, cts.Token);
        }
    }
}
