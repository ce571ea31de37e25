using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed class StreamTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SwitchboardApp _app = new();
    private readonly HttpClient _agent;
    private readonly HttpClient _viewer;

    public StreamTests()
    {
        _app.Settings["Streaming:HeartbeatSeconds"] = "0.3";
        _agent = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Agent));
        _viewer = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Viewer));
        _viewer.Timeout = Timeout.InfiniteTimeSpan;
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_subscriber_joining_while_10000_events_are_written_gets_each_exactly_once_in_order()
    {
        const int total = 10_000, perBatch = 50;
        using var cts = new CancellationTokenSource(Patience);
        await Events.PostAsync(_agent, Events.Started("BIG"));
        var halfway = new TaskCompletionSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 1; i < total; i += perBatch)
            {
                var batch = Enumerable.Range(i, Math.Min(perBatch, total - i)).Select(n => Events.Line("BIG", "e" + n, "line " + n)).ToArray();
                await Events.PostAsync(_agent, batch);
                if (i > total / 5)
                {
                    halfway.TrySetResult();
                }
            }
        });

        await halfway.Task.WaitAsync(cts.Token);
        var seqs = new List<long>();
        await foreach (var frame in SseReader.ReadAsync(_viewer, "/api/v1/calls/BIG/stream", null, cts.Token))
        {
            if (frame.Id is not null)
            {
                seqs.Add(long.Parse(frame.Id, System.Globalization.CultureInfo.InvariantCulture));
            }

            if (seqs.Count == total)
            {
                break;
            }
        }

        await writer.WaitAsync(cts.Token);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task Last_Event_ID_resumes_with_no_gap_and_no_duplicate()
    {
        using var cts = new CancellationTokenSource(Patience);
        await Events.PostAsync(_agent, [Events.Started("R1"), .. Enumerable.Range(1, 9).Select(i => Events.Line("R1", "a" + i, "first " + i))]);

        var first = new List<SseFrame>();
        await foreach (var frame in SseReader.ReadAsync(_viewer, "/api/v1/calls/R1/stream", null, cts.Token))
        {
            if (frame.Id is not null)
            {
                first.Add(frame);
            }

            if (first.Count == 4)
            {
                break;
            }
        }

        // The connection dropped after seq 4 of 10; five more events arrive meanwhile.
        await Events.PostAsync(_agent, Enumerable.Range(1, 5).Select(i => Events.Line("R1", "b" + i, "second " + i)).ToArray());

        var resumed = new List<SseFrame>();
        await foreach (var frame in SseReader.ReadAsync(_viewer, "/api/v1/calls/R1/stream", first[^1].Id, cts.Token))
        {
            if (frame.Id is not null)
            {
                resumed.Add(frame);
            }

            if (resumed.Count == 11)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(1, 15).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), first.Concat(resumed).Select(f => f.Id));
        Assert.Equal("second 5", JsonDocument.Parse(resumed[^1].Data).RootElement.GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task History_then_caught_up_then_live_events_including_interim_text_without_ids()
    {
        using var cts = new CancellationTokenSource(Patience);
        await Events.PostAsync(_agent, Events.Started("L1"), Events.Line("L1", "old", "earlier line"));
        var frames = new List<SseFrame>();
        await foreach (var frame in SseReader.ReadAsync(_viewer, "/api/v1/calls/L1/stream", null, cts.Token))
        {
            frames.Add(frame);
            if (frame.Event == "caught-up")
            {
                await Events.PostAsync(_agent,
                    Events.Make("L1", "i1", EventTypes.TranscriptInterim, new { speaker = "customer", segmentId = "s9", text = "I wan" }),
                    Events.Line("L1", "new", "I want a refund"));
            }

            if (frame.Event == EventTypes.TranscriptFinal && frame.Id == "3")
            {
                break;
            }
        }

        Assert.Equal(["call.started", "transcript.final", "caught-up", "transcript.interim", "transcript.final"], frames.Select(f => f.Event));
        Assert.Null(frames[3].Id);
        Assert.Equal(["1", "2", null, null, "3"], frames.Select(f => f.Id));
    }

    [Theory]
    [InlineData("/api/v1/wallboard/stream")]
    [InlineData("/api/v1/calls/HB/stream")]
    public async Task Idle_streams_get_a_heartbeat_comment_every_interval_for_as_long_as_they_stay_idle(string path)
    {
        // Heartbeats every 0.3 s: three in a row on a stream with nothing else to send shows they
        // keep coming, not just once per quiet spell.
        using var cts = new CancellationTokenSource(Patience);
        await Events.PostAsync(_agent, Events.Started("HB"));
        using var response = await _viewer.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var heartbeats = 0;
        var otherFrames = 0;
        while (heartbeats < 3 && await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith(": keep-alive", StringComparison.Ordinal))
            {
                heartbeats++;
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                otherFrames++;
            }
        }

        Assert.Equal(3, heartbeats);
        Assert.True(otherFrames >= 1, "the stream starts with its snapshot or history");
    }

    [Fact]
    public async Task The_wallboard_sends_a_snapshot_then_changes_and_ends()
    {
        using var cts = new CancellationTokenSource(Patience);
        await Events.PostAsync(_agent, Events.Started("W1"));
        var seen = new List<(string Event, JsonElement Data)>();
        await foreach (var frame in SseReader.ReadAsync(_viewer, "/api/v1/wallboard/stream", null, cts.Token))
        {
            var data = JsonDocument.Parse(frame.Data).RootElement;
            seen.Add((frame.Event, data));
            if (frame.Event == "snapshot")
            {
                await Events.PostAsync(_agent, Events.Started("W2"), Events.Line("W2", "l1", "hello there"));
                await Events.PostAsync(_agent, Events.Ended("W1"));
            }

            if (seen.Any(s => s.Event == "call-ended") && seen.Any(s => s.Event == "call" && s.Data.TryGetProperty("lastLine", out _)))
            {
                break;
            }
        }

        var snapshot = seen[0];
        Assert.Equal("snapshot", snapshot.Event);
        Assert.Equal("W1", snapshot.Data.GetProperty("calls").EnumerateArray().Single().GetProperty("callId").GetString());
        var ended = seen.Single(s => s.Event == "call-ended");
        Assert.Equal("W1", ended.Data.GetProperty("callId").GetString());
        Assert.Equal("completed", ended.Data.GetProperty("endReason").GetString());
        var w2 = seen.Last(s => s.Event == "call");
        Assert.Equal("W2", w2.Data.GetProperty("callId").GetString());
        Assert.Equal("hello there", w2.Data.GetProperty("lastLine").GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_wallboard_coalesces_a_burst_into_few_updates_carrying_the_latest_state()
    {
        using var cts = new CancellationTokenSource(Patience);
        await Events.PostAsync(_agent, Events.Started("B1"));
        var updates = new List<JsonElement>();
        await foreach (var frame in SseReader.ReadAsync(_viewer, "/api/v1/wallboard/stream", null, cts.Token))
        {
            if (frame.Event == "snapshot")
            {
                // 200 single-event batches for one call, as fast as they commit.
                for (var i = 1; i <= 200; i++)
                {
                    await Events.PostAsync(_agent, Events.Line("B1", "b" + i, "burst " + i));
                }
            }
            else if (frame.Event == "call")
            {
                var data = JsonDocument.Parse(frame.Data).RootElement;
                updates.Add(data);
                if (data.GetProperty("lastSeq").GetInt64() == 201)
                {
                    break;
                }
            }
        }

        Assert.True(updates.Count < 200, $"expected coalesced updates, got {updates.Count}");
        Assert.Equal("burst 200", updates[^1].GetProperty("lastLine").GetProperty("text").GetString());
        var seqs = updates.Select(u => u.GetProperty("lastSeq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
    }

    [Fact]
    public async Task An_invalid_resume_point_gets_a_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/calls/X/stream");
        request.Headers.Add("Last-Event-ID", "minus-one");
        using var response = await _viewer.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("Last-Event-ID", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
