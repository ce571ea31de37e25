using System.Globalization;
using System.Text.Json;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed class SlowSubscriberTests : IDisposable
{
    private readonly SwitchboardApp _app = new();

    public SlowSubscriberTests() => _app.Settings["Streaming:CallBufferCapacity"] = "16";

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_subscriber_that_falls_behind_is_told_to_resume_and_loses_nothing_by_resuming()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var agent = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Agent));
        using var viewer = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Viewer));
        await Events.PostAsync(agent, Events.Started("SLOW"));

        var ids = new List<long>();
        JsonElement? resume = null;
        var text = new string('x', 2000);
        await foreach (var frame in SseReader.ReadAsync(viewer, "/api/v1/calls/SLOW/stream", null, cts.Token))
        {
            if (frame.Event == "caught-up")
            {
                // The reader stops reading while 1,500 large events are committed.
                for (var b = 0; b < 30; b++)
                {
                    await Events.PostAsync(agent, Enumerable.Range(0, 50).Select(i => Events.Line("SLOW", $"s{b}-{i}", text)).ToArray());
                }
            }
            else if (frame.Event == "resume")
            {
                resume = JsonDocument.Parse(frame.Data).RootElement;
                break;
            }
            else if (frame.Id is not null)
            {
                ids.Add(long.Parse(frame.Id, CultureInfo.InvariantCulture));
            }
        }

        Assert.NotNull(resume);
        var after = resume.Value.GetProperty("after").GetInt64();
        Assert.Equal(ids[^1], after);
        Assert.True(after < 1501, "the stream should have been cut before the end");

        await foreach (var frame in SseReader.ReadAsync(viewer, "/api/v1/calls/SLOW/stream", after.ToString(CultureInfo.InvariantCulture), cts.Token))
        {
            if (frame.Id is not null)
            {
                ids.Add(long.Parse(frame.Id, CultureInfo.InvariantCulture));
            }

            if (ids[^1] == 1501)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(1, 1501).Select(i => (long)i), ids);
    }
}
