using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.Outbound;

/// <summary>Outbound delivery through the real server in-process, to a receiver double on loopback.</summary>
public sealed class OutboundDeliveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SwitchboardApp _app = new();
    private WebhookReceiverDouble _receiver = null!;
    private Func<string?, string?> _setSecret = null!;
    private HttpClient _admin = null!;
    private HttpClient _agent = null!;

    public async Task InitializeAsync()
    {
        _app.Settings["Outbound:InitialBackoffMilliseconds"] = "50";
        _app.Settings["Outbound:MaxBackoffSeconds"] = "1";
        _app.Settings["Outbound:AttemptTimeoutSeconds"] = "1";
        _app.Settings["Outbound:RetryForSeconds"] = "3";
        _app.Settings["Outbound:CircuitCooldownSeconds"] = "1";
        (_receiver, _setSecret) = await OutboundReceiving.StartReceiverAsync();
        _admin = await _app.SignInAsync(Roles.Admin);
        _agent = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Agent));
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        _agent.Dispose();
        _app.Dispose();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_call_that_keeps_sending_does_not_keep_its_slot_from_a_call_that_waits()
    {
        // One slot; call BUSY sends faster than the receiver takes its events, so it always has
        // more. Call QUIET's one line must still arrive while BUSY goes on, not after it stops.
        using var app = new SwitchboardApp();
        app.Settings["Outbound:ConcurrentCalls"] = "1";
        var (receiver, setSecret) = await OutboundReceiving.StartReceiverAsync();
        await using var _ = receiver;
        receiver.Respond = r => r.CallId == "BUSY" ? new WebhookReceiverDouble.Reply(204, TimeSpan.FromMilliseconds(30)) : WebhookReceiverDouble.Reply.Ok;
        using var admin = await app.SignInAsync(Roles.Admin);
        using var agent = app.ClientWithKey(app.CreateKey(ApiKeyScopes.Agent));
        var (_, secret) = await OutboundReceiving.SubscribeAsync(admin, receiver.Url);
        setSecret(secret);

        await Events.PostAsync(agent, Events.Started("BUSY"));
        await receiver.WaitUntilAsync(r => r.Any(x => x.CallId == "BUSY"), Patience);
        var line = 0;
        for (var i = 0; i < 10; i++)
        {
            await Events.PostAsync(agent, [.. Enumerable.Range(0, 5).Select(_ => Events.Line("BUSY", $"b{++line}", "more"))]);
            await Task.Delay(100);
        }

        await Events.PostAsync(agent, Events.Started("QUIET"), Events.Line("QUIET", "q1", "hello"));
        for (var i = 0; i < 20; i++)
        {
            await Events.PostAsync(agent, [.. Enumerable.Range(0, 5).Select(_ => Events.Line("BUSY", $"b{++line}", "more"))]);
            await Task.Delay(100);
        }

        var expected = new Dictionary<string, long[]> { ["QUIET"] = [1, 2] };
        await receiver.WaitUntilAsync(r => OutboundReceiving.AllAcknowledged(r, expected), Patience);
        var received = receiver.Received;
        var quietAt = received.ToList().FindIndex(r => r is { CallId: "QUIET", Seq: 2 });
        var busyAfter = received.Skip(quietAt).Count(r => r.CallId == "BUSY");
        // BUSY had 150 lines and takes about 33 a second: QUIET arrives long before the end of them.
        Assert.True(busyAfter >= 30, $"only {busyAfter} of BUSY's events came after QUIET's line");
    }

    [Fact]
    public async Task Each_call_arrives_in_order_and_a_retried_event_carries_its_first_delivery_id()
    {
        var (_, secret) = await OutboundReceiving.SubscribeAsync(_admin, _receiver.Url);
        _setSecret(secret);
        var failedOnce = new HashSet<string>();
        _receiver.Respond = r =>
        {
            // The first attempt of every third event fails, and one hangs past the sender's timeout.
            lock (failedOnce)
            {
                if (r.Seq % 3 == 0 && failedOnce.Add(r.DeliveryId))
                {
                    return new WebhookReceiverDouble.Reply(500);
                }

                if (r.Seq == 4 && failedOnce.Add("hang " + r.DeliveryId))
                {
                    return new WebhookReceiverDouble.Reply(204, TimeSpan.FromSeconds(3));
                }
            }

            return WebhookReceiverDouble.Reply.Ok;
        };

        foreach (var call in new[] { "OUT_A", "OUT_B", "OUT_C" })
        {
            await Events.PostAsync(_agent, Events.Started(call), Events.Line(call, "l1", "hello"), Events.Line(call, "l2", "my order"));
        }

        foreach (var call in new[] { "OUT_A", "OUT_B", "OUT_C" })
        {
            await Events.PostAsync(_agent, Events.Line(call, "l3", "is late"), Events.Line(call, "l4", "thanks"), Events.Ended(call));
        }

        var expected = new Dictionary<string, long[]> { ["OUT_A"] = [1, 2, 3, 4, 5, 6], ["OUT_B"] = [1, 2, 3, 4, 5, 6], ["OUT_C"] = [1, 2, 3, 4, 5, 6] };
        await _receiver.WaitUntilAsync(r => OutboundReceiving.AllAcknowledged(r, expected), Patience);
        OutboundReceiving.AssertDeliveredInOrder(_receiver.Received, expected);
        Assert.Contains(_receiver.Received, r => r.Seq == 3 && r.Answered == 500);
        var third = _receiver.Received.Where(r => r is { CallId: "OUT_A", Seq: 3 }).ToList();
        Assert.True(third.Count >= 2);
        Assert.Single(third.Select(r => r.DeliveryId).Distinct());

        using var body = JsonDocument.Parse(third[^1].Body);
        Assert.Equal("transcript.final", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("my order", body.RootElement.GetProperty("data").GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_filter_delivers_only_its_types_and_a_call_subscription_only_its_call_from_the_start()
    {
        await Events.PostAsync(_agent, Events.Started("OUT_F"), Events.Line("OUT_F", "l1", "before the subscription"));
        var (_, typed) = await OutboundReceiving.SubscribeAsync(_admin, _receiver.Url, ["transcript.*", "call.ended"], name: "typed");
        var (_, single) = await OutboundReceiving.SubscribeAsync(_admin, _receiver.Url, callId: "OUT_F", name: "one call");
        _receiver.Respond = r => WebhookReceiverDouble.Reply.Ok;
        var secrets = new[] { typed, single };
        await _receiver.DisposeAsync();
        _receiver = await WebhookReceiverDouble.StartAsync((id, ts, raw, sig) => secrets.Any(s => Switchboard.Server.Outbound.WebhookSignature.Verify(
            Switchboard.Server.Outbound.WebhookSignature.KeyOf(s), id, ts, raw, sig, DateTimeOffset.UtcNow)));
        foreach (var id in await SubscriptionIdsAsync())
        {
            using var moved = await _admin.PatchAsJsonAsync($"/api/v1/admin/outbound/subscriptions/{id}", new { url = _receiver.Url.ToString() });
            moved.EnsureSuccessStatusCode();
        }

        await Events.PostAsync(_agent, Events.Make("OUT_F", "s1", EventTypes.AgentState, new { state = "thinking" }), Events.Line("OUT_F", "l2", "after"), Events.Ended("OUT_F"));
        await Events.PostAsync(_agent, Events.Started("OUT_G"), Events.Line("OUT_G", "l1", "other call"));

        // typed: OUT_F 4 (transcript), 5 (ended); OUT_G 2 (transcript). one call: OUT_F 1..5.
        await _receiver.WaitUntilAsync(r => r.Count(x => x.Answered == 204) >= 8, Patience);
        await Task.Delay(500);
        var bySubscription = _receiver.Received.GroupBy(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("subscriptionId").GetString()).ToDictionary(g => g.Key!, g => g.ToList());
        Assert.All(_receiver.Received, r => Assert.True(r.SignatureValid));
        var ids = await SubscriptionIdsAsync();
        var typedGot = bySubscription[ids[0]].Select(r => (r.CallId, r.Seq, r.Type)).ToList();
        Assert.Equal([("OUT_F", 4L, "transcript.final"), ("OUT_F", 5L, "call.ended"), ("OUT_G", 2L, "transcript.final")], typedGot.OrderBy(x => x.CallId).ThenBy(x => x.Seq).ToList());
        Assert.Equal([1L, 2, 3, 4, 5], bySubscription[ids[1]].Select(r => r.Seq).ToList());
        Assert.All(bySubscription[ids[1]], r => Assert.Equal("OUT_F", r.CallId));
    }

    [Fact]
    public async Task A_call_failing_past_the_retry_time_is_dead_lettered_and_a_replay_resumes_it_with_the_same_ids()
    {
        var (id, secret) = await OutboundReceiving.SubscribeAsync(_admin, _receiver.Url);
        _setSecret(secret);
        var down = true;
        _receiver.Respond = _ => down ? new WebhookReceiverDouble.Reply(503) : WebhookReceiverDouble.Reply.Ok;
        await Events.PostAsync(_agent, Events.Started("OUT_D"), Events.Line("OUT_D", "l1", "one"), Events.Line("OUT_D", "l2", "two"));

        var view = await WaitForStateAsync(id, "dead_letter");
        Assert.Equal(1, view.GetProperty("deadLetteredCalls").GetInt32());
        Assert.Equal("HTTP 503", view.GetProperty("lastError").GetString());
        Assert.Equal(3, view.GetProperty("eventsBehind").GetInt64());
        var calls = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/outbound/subscriptions/{id}/calls");
        var call = Assert.Single(calls.EnumerateArray());
        Assert.True(call.GetProperty("deadLettered").GetBoolean());
        Assert.Equal(0, call.GetProperty("deliveredSeq").GetInt64());
        var failures = _receiver.Received.Count;
        await Task.Delay(1500);
        Assert.Equal(failures, _receiver.Received.Count); // nothing is sent while dead-lettered

        down = false;
        using (var replay = await _admin.PostAsJsonAsync($"/api/v1/admin/outbound/subscriptions/{id}/replay", new { }))
        {
            Assert.Equal(1, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("calls").GetInt32());
        }

        var expected = new Dictionary<string, long[]> { ["OUT_D"] = [1, 2, 3] };
        await _receiver.WaitUntilAsync(r => OutboundReceiving.AllAcknowledged(r, expected), Patience);
        OutboundReceiving.AssertDeliveredInOrder(_receiver.Received, expected);
        Assert.Equal("active", (await WaitForStateAsync(id, "active")).GetProperty("state").GetString());

        // A replay from a seq sends those events again, under the ids they had.
        var firstId = _receiver.Acknowledged.First(r => r.Seq == 2).DeliveryId;
        using (var replay = await _admin.PostAsJsonAsync($"/api/v1/admin/outbound/subscriptions/{id}/replay", new { callId = "OUT_D", fromSeq = 2 }))
        {
            replay.EnsureSuccessStatusCode();
        }

        await _receiver.WaitUntilAsync(r => r.Count(x => x is { Seq: 2, Answered: 204 }) == 2 && r.Count(x => x is { Seq: 3, Answered: 204 }) == 2, Patience);
        Assert.All(_receiver.Received.Where(r => r.Seq == 2), r => Assert.Equal(firstId, r.DeliveryId));

        var log = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/outbound/subscriptions/{id}/deliveries?callId=OUT_D&limit=1000");
        var entries = log.EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("status").ValueKind == JsonValueKind.Number && e.GetProperty("status").GetInt32() == 503 && e.GetProperty("error").GetString() == "HTTP 503");
        Assert.Contains(entries, e => e.GetProperty("seq").GetInt64() == 3 && !e.TryGetProperty("error", out _) && e.GetProperty("deliveryId").GetString()!.StartsWith("msg_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_replay_from_a_time_sends_again_what_was_stored_since()
    {
        var (id, secret) = await OutboundReceiving.SubscribeAsync(_admin, _receiver.Url);
        _setSecret(secret);
        await Events.PostAsync(_agent, Events.Started("OUT_T"), Events.Line("OUT_T", "l1", "early"));
        await _receiver.WaitUntilAsync(r => r.Count(x => x.Answered == 204) == 2, Patience);
        await Task.Delay(50);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await Events.PostAsync(_agent, Events.Line("OUT_T", "l2", "late"), Events.Ended("OUT_T"));
        await _receiver.WaitUntilAsync(r => r.Count(x => x.Answered == 204) == 4, Patience);

        using var replay = await _admin.PostAsJsonAsync($"/api/v1/admin/outbound/subscriptions/{id}/replay", new { from = since });
        replay.EnsureSuccessStatusCode();
        await _receiver.WaitUntilAsync(r => r.Count(x => x.Answered == 204) == 6, Patience);
        await Task.Delay(500);
        Assert.Equal([1L, 2, 3, 4, 3, 4], _receiver.Acknowledged.Select(r => r.Seq).ToList());
    }

    private async Task<List<string>> SubscriptionIdsAsync()
    {
        var list = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/outbound/subscriptions");
        return list.EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
    }

    private async Task<JsonElement> WaitForStateAsync(string id, string state)
    {
        using var limit = new CancellationTokenSource(Patience);
        while (true)
        {
            var view = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/outbound/subscriptions/{id}", limit.Token);
            if (view.GetProperty("state").GetString() == state)
            {
                return view;
            }

            await Task.Delay(100, limit.Token);
        }
    }
}
