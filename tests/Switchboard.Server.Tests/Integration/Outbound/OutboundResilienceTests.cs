using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.Outbound;

/// <summary>
/// Delivery through everything that goes wrong at once, with the server as a real process: a
/// receiver that fails, times out, disappears for a minute and returns, and a <c>kill -9</c> of the
/// server in the middle of delivery. Afterwards every event has arrived, each call in order, and
/// every repeat carried its event's one delivery id.
/// </summary>
public sealed class OutboundResilienceTests : IDisposable
{
    private const string AdminPassword = "outbound admin password";
    private static readonly string[] Calls = ["OUT_R1", "OUT_R2", "OUT_R3", "OUT_R4"];
    private static readonly string[] Settings =
    [
        "--Outbound:InitialBackoffMilliseconds=100", "--Outbound:MaxBackoffSeconds=4", "--Outbound:AttemptTimeoutSeconds=1",
        "--Outbound:CircuitFailures=5", "--Outbound:CircuitCooldownSeconds=3", "--Outbound:RetryForSeconds=600",
    ];

    private readonly SqliteDirectories _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    [Fact]
    public async Task Every_event_arrives_in_per_call_order_through_failures_timeouts_an_absent_receiver_and_a_kill_9()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var (receiver, setSecret) = await OutboundReceiving.StartReceiverAsync();
        await using var _ = receiver;
        var attempts = new Dictionary<string, int>();
        receiver.Respond = r =>
        {
            lock (attempts)
            {
                var n = attempts[r.DeliveryId] = attempts.GetValueOrDefault(r.DeliveryId) + 1;
                return n == 1 && r.Seq % 4 == 0 ? new(500)
                    : n == 1 && r.Seq % 7 == 0 ? new(204, TimeSpan.FromSeconds(3)) // past the 1 s timeout: the sender gives up and retries
                    : Testing.WebhookReceiverDouble.Reply.Ok;
            }
        };

        var agentKey = (await ServerProcess.RunCommandAsync(_sqlite.Root, cts.Token, "keys", "create", "--scope", "agent", "--name", "agent")).Output.Trim();
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var settings = ServerSettings.Tests with { Echo = output.Enqueue };
        var server = await ServerProcess.StartAsync(_sqlite.Root, settings, cts.Token, Settings);
        try
        {
            await SubscribeAsync(server, receiver, setSecret, cts.Token);

            await PostAsync(server, agentKey, 0, 20, cts.Token);

            // Killed while deliveries are in flight: part of the first events acknowledged, none of the rest.
            await receiver.WaitUntilAsync(r => r.Count(x => x.Answered is 204) >= 30, TimeSpan.FromSeconds(60), cts.Token);
            server.Kill();
            server.Dispose();
            var beforeRestart = receiver.Acknowledged.Count;
            Assert.True(beforeRestart < Calls.Length * 21, $"all {beforeRestart} were delivered before the kill");

            server = await ServerProcess.StartAsync(_sqlite.Root, settings, cts.Token, Settings);
            await PostAsync(server, agentKey, 20, 40, cts.Token);
            await receiver.WaitUntilAsync(r => r.Count(x => x.Answered is 204) >= beforeRestart + 20, TimeSpan.FromSeconds(60), cts.Token);

            // Gone for a minute while the calls go on and end; then back on the same port.
            await receiver.GoAwayAsync();
            await PostAsync(server, agentKey, 40, 60, cts.Token);
            await PostEndsAsync(server, agentKey, cts.Token);
            await Task.Delay(TimeSpan.FromSeconds(60), cts.Token);
            using (var admin = await ApiSession.SignInAsync(server.BaseAddress, "admin", AdminPassword, cts.Token))
            {
                var listed = await admin.SendAsync(HttpMethod.Get, "/api/v1/admin/outbound/subscriptions", null, cts.Token);
                var state = listed[0].GetProperty("state").GetString();
                Assert.True(state is "circuit_open" or "failing", state);
                Assert.StartsWith("connection failed", listed[0].GetProperty("lastError").GetString(), StringComparison.Ordinal);
            }

            await receiver.ComeBackAsync(cts.Token);
            // Every event of the log: the 62 posted per call, and any the server derived.
            var viewerKey = await ServerProcess.CreateKeyAsync(_sqlite.Root, ServerSettings.Tests, "viewer", "checker", cts.Token);
            using var viewer = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);
            var expected = new Dictionary<string, long[]>();
            foreach (var call in Calls)
            {
                var log = await Events.ReadAllAsync(viewer, call);
                Assert.True(log.Count >= 62, $"{call} has {log.Count} events");
                expected[call] = log.Select(e => e.Seq).ToArray();
            }

            try
            {
                await receiver.WaitUntilAsync(r => OutboundReceiving.AllAcknowledged(r, expected), TimeSpan.FromSeconds(90), cts.Token);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException(ex.Message + " Missing: " + OutboundReceiving.Missing(receiver.Received, expected) + "\n" + string.Join("\n", output.TakeLast(40)), ex);
            }
            OutboundReceiving.AssertDeliveredInOrder(receiver.Received, expected);
            Assert.Contains(receiver.Received, r => r.Answered == 500);
            Assert.Contains(receiver.Received, r => r.Answered is null);
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public async Task A_server_that_stops_cleanly_mid_delivery_writes_what_was_acknowledged_and_sends_none_of_it_again()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var (receiver, setSecret) = await OutboundReceiving.StartReceiverAsync();
        await using var _ = receiver;
        // Each answer takes a little while, so the stop finds every call in the middle of its backlog.
        receiver.Respond = _ => new(204, TimeSpan.FromMilliseconds(15));
        var agentKey = (await ServerProcess.RunCommandAsync(_sqlite.Root, cts.Token, "keys", "create", "--scope", "agent", "--name", "agent")).Output.Trim();
        var server = await ServerProcess.StartAsync(_sqlite.Root, ServerSettings.Tests, cts.Token, Settings);
        try
        {
            await SubscribeAsync(server, receiver, setSecret, cts.Token);

            await PostAsync(server, agentKey, 0, 100, cts.Token);
            await receiver.WaitUntilAsync(r => r.Count(x => x.Answered is 204) >= 80, TimeSpan.FromSeconds(60), cts.Token);
            await server.StopAsync(cts.Token);
            server.Dispose();
            var beforeRestart = receiver.Acknowledged.Count;
            Assert.True(beforeRestart < Calls.Length * 101, $"all {beforeRestart} were delivered before the stop");

            server = await ServerProcess.StartAsync(_sqlite.Root, ServerSettings.Tests, cts.Token, Settings);
            await PostAsync(server, agentKey, 100, 105, cts.Token);
            var viewerKey = await ServerProcess.CreateKeyAsync(_sqlite.Root, ServerSettings.Tests, "viewer", "checker", cts.Token);
            using var viewer = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);
            var expected = new Dictionary<string, long[]>();
            foreach (var call in Calls)
            {
                expected[call] = (await Events.ReadAllAsync(viewer, call)).Select(e => e.Seq).ToArray();
            }

            await receiver.WaitUntilAsync(r => OutboundReceiving.AllAcknowledged(r, expected), TimeSpan.FromSeconds(90), cts.Token);
            OutboundReceiving.AssertDeliveredInOrder(receiver.Received, expected);

            // Acknowledged twice: at most the one attempt per call that was in flight when the stop
            // came (answered, but too late for the server to count it). Cursors written only every
            // 200 ms would have sent a dozen per call again.
            var repeated = receiver.Acknowledged.GroupBy(r => r.DeliveryId).Where(g => g.Count() > 1).Select(g => g.First()).ToList();
            Assert.True(repeated.Count <= Calls.Length, $"{repeated.Count} acknowledged deliveries were sent again: " + string.Join(", ", repeated.Select(r => $"{r.CallId}#{r.Seq}")));
        }
        finally
        {
            server.Dispose();
        }
    }

    /// <summary>Signs in as the first admin (choosing <see cref="AdminPassword"/>) and subscribes the receiver to every event.</summary>
    private static async Task SubscribeAsync(ServerProcess server, Testing.WebhookReceiverDouble receiver, Func<string?, string?> setSecret, CancellationToken cancellationToken)
    {
        var bootstrap = await server.BootstrapPasswordAsync(cancellationToken);
        using var admin = await ApiSession.SignInAsync(server.BaseAddress, "admin", bootstrap, cancellationToken);
        await admin.PostAsync("/api/v1/auth/password", new { currentPassword = bootstrap, newPassword = AdminPassword }, cancellationToken);
        var created = await admin.PostAsync("/api/v1/admin/outbound/subscriptions", new { name = "crm", url = receiver.Url.ToString() }, cancellationToken);
        setSecret(created.GetProperty("secret").GetString());
    }

    private static async Task PostAsync(ServerProcess server, string agentKey, int from, int to, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", agentKey);
        for (var i = from; i < to; i += 5)
        {
            foreach (var call in Calls)
            {
                var batch = Enumerable.Range(i, 5).Select(n => Events.Line(call, $"l{n}", $"line {n}")).ToList();
                if (i == 0)
                {
                    batch.Insert(0, Events.Started(call));
                }

                using var response = await client.PostAsJsonAsync("/api/v1/events", Events.Batch([.. batch]), cancellationToken);
                response.EnsureSuccessStatusCode();
            }
        }
    }

    private static async Task PostEndsAsync(ServerProcess server, string agentKey, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", agentKey);
        using var response = await client.PostAsJsonAsync("/api/v1/events", Events.Batch([.. Calls.Select(c => (JsonObject)Events.Ended(c))]), cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
