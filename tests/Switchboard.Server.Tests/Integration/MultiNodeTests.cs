using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Events;
using Switchboard.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Server.Tests.Integration;

/// <summary>
/// Three server processes on one PostgreSQL database behind the project's nginx configuration:
/// an agent writes through nginx to node A (node B is the backup), viewers watch on node C and,
/// through nginx, on A; then A is killed with SIGKILL under load. nginx sends the agent's
/// batches on to B, the stream that A held resumes through nginx on B from its last seq, and
/// every acknowledged event is in the log once, in order, and on every stream with no gap and
/// no duplicate.
/// </summary>
public sealed class MultiNodeTests : IDisposable
{
    private const int Calls = 4;
    private const int BatchesPerCall = 60;
    private const int EventsPerBatch = 10;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public MultiNodeTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => ServerProcess.DeleteDataDirectory(_root);

    /// <summary>A node's settings: the shared database, its name, and the session key ring every node of the test shares.</summary>
    private ServerSettings Node(string database, string node) => ServerSettings.Tests with
    {
        Arguments =
        [
            "--Storage:Provider=postgres", "--Storage:ConnectionString=" + database, "--Storage:NodeId=" + node, "--Storage:FeedCatchUpSeconds=2",
            "--Accounts:RevocationCheckSeconds=1", "--Accounts:KeyRingDirectory=" + Path.Combine(_root, "key-ring"),
        ],
    };

    [Fact]
    public async Task A_node_killed_under_load_loses_no_acknowledged_event_and_every_stream_resumes_elsewhere_without_a_gap()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var database = PostgresServer.Shared.CreateDatabase();
        string Dir(string node) => Path.Combine(_root, node);
        var agentKey = await ServerProcess.CreateKeyAsync(Dir("a"), Node(database, "a"), "agent", "agent", cts.Token);
        // Created through another node's data directory: the key lives in the shared database.
        var viewerKey = await ServerProcess.CreateKeyAsync(Dir("b"), Node(database, "b"), "viewer", "viewer", cts.Token);
        using var a = await ServerProcess.StartAsync(Dir("a"), Node(database, "a"), cts.Token);
        using var b = await ServerProcess.StartAsync(Dir("b"), Node(database, "b"), cts.Token);
        using var c = await ServerProcess.StartAsync(Dir("c"), Node(database, "c"), cts.Token);
        using var nginx = await NginxProxy.StartAsync([(a.BaseAddress, ""), (b.BaseAddress, "backup")], cts.Token);
        HttpClient Client(Uri node, string key)
        {
            var client = new HttpClient { BaseAddress = node, Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
            return client;
        }

        // A supervisor acts on node B, on an agent whose socket is held by node A (through nginx).
        var adminPassword = await a.WaitForOutputAsync(new System.Text.RegularExpressions.Regex("password '([^']+)'"), cts.Token);
        using var people = await Fuzz.FuzzClients.CreateAsync(b.BaseAddress, agentKey, viewerKey, adminPassword, cts.Token);
        var guides = new ConcurrentQueue<string>();
        await using var voiceAgent = new Sdk.SwitchboardClient(new Sdk.SwitchboardClientOptions { ServerUrl = nginx.BaseAddress, ApiKey = agentKey });
        using var guidedCall = voiceAgent.OpenCall("mn-guided");
        guidedCall.On<Sdk.Commands.GuideCommand>((command, _) =>
        {
            guides.Enqueue(command.Text);
            return ValueTask.CompletedTask;
        });
        guidedCall.CallStarted();
        async Task GuideAsync(string text)
        {
            using var guided = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, "/api/v1/calls/mn-guided/guide", new { text, requestId = text }, cts.Token);
            Assert.True(guided.IsSuccessStatusCode, await guided.Content.ReadAsStringAsync(cts.Token));
        }

        await WaitForAsync(() => IsLive(people.Viewer, "mn-guided", cts.Token), "node B's live calls have the guided call", cts.Token);
        await GuideAsync("before the kill");
        await WaitForAsync(() => guides.Contains("before the kill"), "the guidance through node A's socket", cts.Token);

        using var agent = Client(nginx.BaseAddress, agentKey);
        using var viewerThroughNginx = Client(nginx.BaseAddress, viewerKey);
        using var viewerOnB = Client(b.BaseAddress, viewerKey);
        using var viewerOnC = Client(c.BaseAddress, viewerKey);
        var callIds = Enumerable.Range(0, Calls).Select(i => $"mn-{i}").ToArray();
        foreach (var callId in callIds)
        {
            await Events.PostAsync(agent, Events.Started(callId));
        }

        // Streams: every call on node C, and call 0 through nginx, that is on node A (which will die).
        var onC = callIds.ToDictionary(id => id, id => new StreamLog());
        var streamsOnC = callIds.Select(id => onC[id].FollowAsync(viewerOnC, $"/api/v1/calls/{id}/stream", null, cts.Token)).ToList();
        var onA = new StreamLog();
        var streamOnA = onA.FollowAsync(viewerThroughNginx, $"/api/v1/calls/{callIds[0]}/stream", null, cts.Token);
        await WaitForAsync(() => callIds.All(id => onC[id].LastSeq >= 1) && onA.LastSeq >= 1, "the streams' history", cts.Token);

        // The agent: batches per call through nginx; a batch that fails is sent again (ingest is idempotent).
        var acknowledged = new ConcurrentDictionary<(string CallId, string EventId), long>();
        var killedAt = 0L;
        var firstAckAfterKill = 0L;
        var failedSends = 0;
        var writers = callIds.Select(callId => Task.Run(async () =>
        {
            for (var batch = 0; batch < BatchesPerCall; batch++)
            {
                var events = Enumerable.Range(0, EventsPerBatch).Select(i => Events.Line(callId, $"b{batch}-{i}", $"line {batch}.{i}")).ToArray();
                var ids = events.Select(e => (string)e["id"]!).ToArray();
                var body = Events.Batch(events);
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        using var response = await agent.PostAsJsonAsync("/api/v1/events", body, cts.Token);
                        response.EnsureSuccessStatusCode();
                        var ack = (await response.Content.ReadFromJsonAsync<BatchAck>(ContractJson.Options, cts.Token))!;
                        for (var i = 0; i < events.Length; i++)
                        {
                            acknowledged[(callId, ids[i])] = ack.Results[i].Seq;
                        }

                        if (killedAt != 0)
                        {
                            Interlocked.CompareExchange(ref firstAckAfterKill, Stopwatch.GetTimestamp(), 0);
                        }

                        break;
                    }
                    catch (HttpRequestException) when (attempt < 50)
                    {
                        Interlocked.Increment(ref failedSends);
                        await Task.Delay(50, cts.Token);
                    }
                }

                if (batch == BatchesPerCall / 3 && callId == callIds[0])
                {
                    a.Kill();
                    killedAt = Stopwatch.GetTimestamp();
                }
            }
        }, cts.Token)).ToList();
        await Task.WhenAll(writers);
        Assert.True(a.HasExited);
        _output.WriteLine($"failover: first acknowledgement after kill -9 of node A {Stopwatch.GetElapsedTime(killedAt, firstAckAfterKill).TotalMilliseconds:F0} ms later; sends the agent had to repeat: {failedSends}");

        // The stream node A held ended with A; reconnected through nginx with Last-Event-ID, it resumes on node B.
        await streamOnA.WaitAsync(TimeSpan.FromSeconds(15), cts.Token);
        var resumedFrom = onA.LastSeq;
        var resumed = new StreamLog();
        var resumedStream = resumed.FollowAsync(viewerThroughNginx, $"/api/v1/calls/{callIds[0]}/stream", resumedFrom.ToString(System.Globalization.CultureInfo.InvariantCulture), cts.Token);

        // Every node's analyzers score the same lines; their derived events carry ids derived from
        // the line, so the log holds each once whichever node wrote it first.
        var lastOfCall0 = 0L;
        foreach (var callId in callIds)
        {
            // The log, read through node B: every acknowledged event once, at its acknowledged seq, no gap.
            var stored = await Events.ReadAllAsync(viewerOnB, callId);
            Assert.Equal(Enumerable.Range(1, stored.Count).Select(n => (long)n), stored.Select(e => e.Seq));
            Assert.Equal(stored.Count, stored.Select(e => e.Id).Distinct().Count());
            Assert.Equal(BatchesPerCall * EventsPerBatch, stored.Count(e => e.Type == EventTypes.TranscriptFinal));
            var seqOf = stored.ToDictionary(e => e.Id, e => e.Seq);
            var acked = acknowledged.Where(p => p.Key.CallId == callId).ToList();
            Assert.Equal(BatchesPerCall * EventsPerBatch, acked.Count);
            Assert.All(acked, p => Assert.Equal(p.Value, seqOf[p.Key.EventId]));
            lastOfCall0 = callId == callIds[0] ? stored.Count : lastOfCall0;

            // Node C's stream saw all of it, committed on A or on B, once and in order.
            await WaitForAsync(() => onC[callId].LastSeq >= stored.Count, $"node C's stream of {callId}", cts.Token);
            var seen = onC[callId].Seqs;
            Assert.Equal(Enumerable.Range(1, seen.Count).Select(n => (long)n), seen);
        }

        await WaitForAsync(() => resumed.LastSeq >= lastOfCall0, "the stream resumed on node B", cts.Token);
        var joined = onA.Seqs.Concat(resumed.Seqs).ToList();
        Assert.Equal(Enumerable.Range(1, joined.Count).Select(n => (long)n), joined);
        Assert.True(resumedFrom < lastOfCall0, "node A died before it had streamed everything, so the resume carried events");

        // Node A is gone with the agent's socket: the supervisor's next guidance reaches the agent
        // once it has reconnected through nginx to node B; nothing is carried out twice.
        await GuideAsync("after the kill");
        await WaitForAsync(() => guides.Contains("after the kill"), "the guidance after the agent reconnected elsewhere", cts.Token);
        Assert.Equal(["before the kill", "after the kill"], guides);

        // A key revoked on one node is refused by the others and loses its open streams there.
        var (_, list, _) = await ServerProcess.RunCommandAsync(Dir("b"), Node(database, "b"), cts.Token, "keys", "list");
        var viewerId = list.Split('\n').Single(l => l.Split('\t') is [_, _, "viewer", ..]).Split('\t')[0];
        Assert.Equal(0, (await ServerProcess.RunCommandAsync(Dir("b"), Node(database, "b"), cts.Token, "keys", "revoke", viewerId)).ExitCode);
        await Task.WhenAll(streamsOnC).WaitAsync(TimeSpan.FromSeconds(15), cts.Token);
        await resumedStream.WaitAsync(TimeSpan.FromSeconds(15), cts.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewerOnC.GetAsync("/api/v1/calls", cts.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewerOnB.GetAsync("/api/v1/calls", cts.Token)).StatusCode);
    }

    [Fact]
    public async Task Only_calls_silent_on_every_node_are_ended_once_and_another_node_takes_the_guard_over_when_its_holder_dies()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var cluster = await StartNodesAsync(["a", "b"], cts.Token, "--Calls:AgentTimeoutSeconds=3", "--Calls:GuardIntervalSeconds=0.5");
        var (database, agentKey, viewerKey, nodes) = (cluster.Database, cluster.AgentKey, cluster.ViewerKey, cluster.Processes);
        HttpClient Client(string node, string key)
        {
            var client = new HttpClient { BaseAddress = nodes[node].BaseAddress };
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
            return client;
        }

        using var agentOnA = Client("a", agentKey);
        using var agentOnB = Client("b", agentKey);
        using var viewerOnB = Client("b", viewerKey);
        await Events.PostAsync(agentOnA, Events.Started("heard-on-a"));
        await Events.PostAsync(agentOnB, Events.Started("heard-on-b"));

        // For 8 s (over twice the timeout) each agent only sends heartbeats, each to its own
        // node: whichever node holds the guard, one of the two agents is heard only by the other.
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(8))
        {
            await Events.PostAsync(agentOnA, Events.Make("heard-on-a", Guid.NewGuid().ToString("N"), EventTypes.AgentHeartbeat));
            await Events.PostAsync(agentOnB, Events.Make("heard-on-b", Guid.NewGuid().ToString("N"), EventTypes.AgentHeartbeat));
            await Task.Delay(500, cts.Token);
        }

        Assert.Equal(2, await ActiveCallsAsync(viewerOnB, cts.Token));

        // Silent everywhere now: each call is ended, once, as an agent error.
        await WaitForAsync(() => ActiveCallsAsync(viewerOnB, cts.Token).GetAwaiter().GetResult() == 0, "both calls ended by the guard", cts.Token);
        foreach (var callId in new[] { "heard-on-a", "heard-on-b" })
        {
            var ended = (await Events.ReadAllAsync(viewerOnB, callId)).Where(e => e.Type == EventTypes.CallEnded).ToList();
            Assert.Equal("agent_error", Assert.Single(ended).Data.GetProperty("reason").GetString());
        }

        // The node that holds the guard's lease dies; the other one takes the guard over.
        var holder = await LeaseHolderAsync(database, "lost-agent guard", cts.Token);
        Assert.Contains(holder, nodes.Keys);
        nodes[holder].Kill();
        var survivor = nodes.Keys.Single(n => n != holder);
        using var agent = Client(survivor, agentKey);
        using var viewer = Client(survivor, viewerKey);
        await Events.PostAsync(agent, Events.Started("silent-after-failover"));
        await WaitForAsync(() => ActiveCallsAsync(viewer, cts.Token).GetAwaiter().GetResult() == 0, "the surviving node's guard ends the silent call", cts.Token);
        Assert.Equal(survivor, await LeaseHolderAsync(database, "lost-agent guard", cts.Token));
    }

    [Fact]
    public async Task A_supervisor_on_one_node_guides_an_agent_whose_socket_another_node_holds_once_and_its_acknowledgement_reaches_every_node()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var nodes = await StartNodesAsync(["a", "b"], cts.Token);
        var (agentKey, viewerKey, a, b) = (nodes.AgentKey, nodes.ViewerKey, nodes["a"], nodes["b"]);
        // Accounts are shared: node A created the first admin, who signs in on node B and creates the supervisor there.
        var adminPassword = await a.WaitForOutputAsync(new System.Text.RegularExpressions.Regex("password '([^']+)'"), cts.Token);
        Assert.DoesNotContain(b.Output, line => line.Contains("created the first account", StringComparison.Ordinal));
        using var people = await Fuzz.FuzzClients.CreateAsync(b.BaseAddress, agentKey, viewerKey, adminPassword, cts.Token);

        // The agent's socket is on node A.
        var guides = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var agent = new Sdk.SwitchboardClient(new Sdk.SwitchboardClientOptions { ServerUrl = a.BaseAddress, ApiKey = agentKey }))
        {
            using var call = agent.OpenCall("relayed");
            call.On<Sdk.Commands.GuideCommand>((c, _) =>
            {
                guides.Enqueue(c.Text);
                first.TrySetResult(c.Text);
                return ValueTask.CompletedTask;
            });
            call.CallStarted();
            await WaitForAsync(() => IsLive(people.Viewer, "relayed", cts.Token), "node B's live calls have the call", cts.Token);

            using var guided = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, "/api/v1/calls/relayed/guide", new { text = "Offer the refund now.", requestId = "g-1" }, cts.Token);
            Assert.True(guided.IsSuccessStatusCode, await guided.Content.ReadAsStringAsync(cts.Token));
            var answer = await guided.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cts.Token);
            // Node B says the agent got it, although the socket that took it is node A's.
            Assert.True(answer.GetProperty("delivered").GetBoolean());

            Assert.Equal("Offer the refund now.", await first.Task.WaitAsync(TimeSpan.FromSeconds(15), cts.Token));
            await WaitForAsync(() => Events.ReadAllAsync(people.Viewer, "relayed").GetAwaiter().GetResult().Any(e => e.Type == EventTypes.CommandAcked), "the acknowledgement in the log, read on node B", cts.Token);

            // The same request retried through node A is answered as the first time and guides nobody twice.
            using var retried = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, new Uri(a.BaseAddress, "/api/v1/calls/relayed/guide").ToString(), new { text = "Offer the refund now.", requestId = "g-1" }, cts.Token);
            Assert.True(retried.IsSuccessStatusCode, await retried.Content.ReadAsStringAsync(cts.Token));
            Assert.Equal(answer.GetProperty("commandId").GetString(), (await retried.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cts.Token)).GetProperty("commandId").GetString());
            Assert.Single(await Events.ReadAllAsync(people.Viewer, "relayed"), e => e.Type == EventTypes.SupervisorGuidance);
        }

        // The agent comes back through node B: the acknowledged command is not delivered again.
        var again = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var agent = new Sdk.SwitchboardClient(new Sdk.SwitchboardClientOptions { ServerUrl = b.BaseAddress, ApiKey = agentKey }))
        {
            using var call = agent.OpenCall("relayed");
            call.On<Sdk.Commands.GuideCommand>((c, _) =>
            {
                again.TrySetResult(c.Text);
                return ValueTask.CompletedTask;
            });
            // A second guidance, sent with the same session to node A (sessions are valid on every
            // node), reaches the agent on node B; the first one never comes back.
            using var second = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, new Uri(a.BaseAddress, "/api/v1/calls/relayed/guide").ToString(), new { text = "And apologise." }, cts.Token);
            Assert.True(second.IsSuccessStatusCode, await second.Content.ReadAsStringAsync(cts.Token));
            Assert.Equal("And apologise.", await again.Task.WaitAsync(TimeSpan.FromSeconds(15), cts.Token));
        }

        Assert.Equal(["Offer the refund now."], guides);
    }

    [Fact]
    public async Task Two_supervisors_taking_one_call_over_at_once_on_two_nodes_leave_one_holder()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var nodes = await StartNodesAsync(["a", "b"], cts.Token);
        var (agentKey, viewerKey, a, b) = (nodes.AgentKey, nodes.ViewerKey, nodes["a"], nodes["b"]);
        var adminPassword = await a.WaitForOutputAsync(new System.Text.RegularExpressions.Regex("password '([^']+)'"), cts.Token);
        using var people = await Fuzz.FuzzClients.CreateAsync(a.BaseAddress, agentKey, viewerKey, adminPassword, cts.Token);
        // A second supervisor, signed in on node B.
        using (var created = await Fuzz.FuzzClients.SendAsync(people.Admin, people.AdminToken, HttpMethod.Post, "/api/v1/admin/users", new { username = "sup2", password = "a second long passphrase", role = "supervisor", skills = new[] { "*" }, mustChangePassword = false }, cts.Token))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(cts.Token));
        }

        using var second = new HttpClient { BaseAddress = b.BaseAddress };
        using var login = await second.PostAsJsonAsync("/api/v1/auth/login", new { username = "sup2", password = "a second long passphrase" }, cts.Token);
        login.EnsureSuccessStatusCode();
        var secondToken = (await login.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cts.Token)).GetProperty("antiforgery").GetProperty("token").GetString()!;

        for (var round = 0; round < 5; round++)
        {
            var callId = $"contested-{round}";
            await Events.PostAsync(people.Agent, Events.Started(callId));
            // Node B's live calls have it (a call's page is also answered from the log, before that).
            await WaitForAsync(() => IsLive(second, callId, cts.Token), "node B's live calls have the call", cts.Token);

            var onA = Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, $"/api/v1/calls/{callId}/takeover", new { }, cts.Token);
            var onB = Fuzz.FuzzClients.SendAsync(second, secondToken, HttpMethod.Post, $"/api/v1/calls/{callId}/takeover", new { }, cts.Token);
            using var answerA = await onA;
            using var answerB = await onB;
            var codes = new[] { (int)answerA.StatusCode, (int)answerB.StatusCode }.Order().ToArray();
            Assert.Equal([200, 409], codes);
            var takeovers = (await Events.ReadAllAsync(people.Viewer, callId)).Where(e => e.Type == EventTypes.ControlTakeover).ToList();
            var holder = Assert.Single(takeovers).Data.GetProperty("by").GetString();
            Assert.Equal(answerA.IsSuccessStatusCode ? "sup" : "sup2", holder);
        }
    }

    [Fact]
    public async Task An_agent_on_one_node_gets_the_answer_of_a_supervisor_online_only_on_another_and_nothing_else()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var nodes = await StartNodesAsync(["a", "b"], cts.Token);
        var (agentKey, viewerKey, a, b) = (nodes.AgentKey, nodes.ViewerKey, nodes["a"], nodes["b"]);
        var adminPassword = await a.WaitForOutputAsync(new System.Text.RegularExpressions.Regex("password '([^']+)'"), cts.Token);
        using var people = await Fuzz.FuzzClients.CreateAsync(b.BaseAddress, agentKey, viewerKey, adminPassword, cts.Token);
        // The supervisor is online on node B only: their help queue stream is open there.
        using var online = new CancellationTokenSource();
        var queue = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in SseReader.ReadAsync(people.Supervisor, "/api/v1/escalations/stream", cancellationToken: online.Token))
                {
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
            }
        }, CancellationToken.None);

        await using var agent = new Sdk.SwitchboardClient(new Sdk.SwitchboardClientOptions { ServerUrl = a.BaseAddress, ApiKey = agentKey });
        using var call = agent.OpenCall("asks");
        call.CallStarted();
        var asked = call.EscalateAsync("Can the caller get a refund after 30 days?", timeout: TimeSpan.FromSeconds(60), cancellationToken: cts.Token);

        // Node A has no supervisor online, yet the agent is not told "nobody available": B's supervisor answers.
        string? requestId = null;
        await WaitForAsync(
            () =>
            {
                var list = people.Supervisor.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/escalations", cts.Token).GetAwaiter().GetResult();
                var pending = list.EnumerateArray().ToList();
                requestId = pending.Count > 0 ? pending[0].GetProperty("request").GetProperty("id").GetString() : null;
                return requestId is not null || asked.IsCompleted;
            },
            "the request in node B's queue",
            cts.Token);
        Assert.False(asked.IsCompleted, "the agent was answered before any supervisor was");
        using var answered = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, $"/api/v1/escalations/{requestId}/answer", new { answer = "Yes, within 60 days." }, cts.Token);
        Assert.True(answered.IsSuccessStatusCode, await answered.Content.ReadAsStringAsync(cts.Token));

        var result = await asked.WaitAsync(TimeSpan.FromSeconds(20), cts.Token);
        Assert.Equal((Sdk.EscalationOutcome.Answered, "Yes, within 60 days."), (result.Outcome, result.Answer));
        var log = await Events.ReadAllAsync(people.Viewer, "asks");
        Assert.Single(log, e => e.Type == EventTypes.EscalationAnswered);
        Assert.DoesNotContain(log, e => e.Type is EventTypes.EscalationCancelled or EventTypes.EscalationTimedOut);

        // Node A, which had nobody to route the request to, shows it answered and the answer in its audit trail.
        using var adminOnA = Fuzz.FuzzClients.Session(a.BaseAddress);
        await Fuzz.FuzzClients.LoginAsync(adminOnA, "admin", Fuzz.FuzzClients.Password, cts.Token);
        var onA = await adminOnA.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/escalations/{requestId}", cts.Token);
        Assert.Equal(("answered", "sup", "Yes, within 60 days."), (onA.GetProperty("request").GetProperty("status").GetString(), onA.GetProperty("request").GetProperty("answeredBy").GetString(), onA.GetProperty("request").GetProperty("answer").GetString()));
        var audit = await adminOnA.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/admin/audit?action=escalation.*", cts.Token);
        Assert.Equal(["escalation.answer"], audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("sup", audit[0].GetProperty("actor").GetString());
        await online.CancelAsync();
        await queue;
    }

    [Fact]
    public async Task An_agent_is_told_at_once_when_no_supervisor_is_online_on_any_node_and_only_once()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var nodes = await StartNodesAsync(["a", "b"], cts.Token);
        var (agentKey, viewerKey, a, b) = (nodes.AgentKey, nodes.ViewerKey, nodes["a"], nodes["b"]);
        await using var agent = new Sdk.SwitchboardClient(new Sdk.SwitchboardClientOptions { ServerUrl = a.BaseAddress, ApiKey = agentKey });
        using var call = agent.OpenCall("nobody-there");
        call.CallStarted();

        var result = await call.EscalateAsync("Is the shop open on Sunday?", timeout: TimeSpan.FromSeconds(60), cancellationToken: cts.Token)
            .WaitAsync(TimeSpan.FromSeconds(20), cts.Token);

        Assert.Equal(Sdk.EscalationOutcome.NoSupervisor, result.Outcome);
        using var viewer = new HttpClient { BaseAddress = b.BaseAddress };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);
        var cancelled = (await Events.ReadAllAsync(viewer, "nobody-there")).Where(e => e.Type == EventTypes.EscalationCancelled).ToList();
        Assert.Equal("no_supervisor_available", Assert.Single(cancelled).Data.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_watch_ends_when_the_supervisors_last_stream_of_the_call_closes_on_every_node_or_dies_with_its_node()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var nodes = await StartNodesAsync(["a", "b"], cts.Token, "--Accounts:PresenceSeconds=0.5");
        var (agentKey, viewerKey, a, b) = (nodes.AgentKey, nodes.ViewerKey, nodes["a"], nodes["b"]);
        var adminPassword = await a.WaitForOutputAsync(new System.Text.RegularExpressions.Regex("password '([^']+)'"), cts.Token);
        using var people = await Fuzz.FuzzClients.CreateAsync(a.BaseAddress, agentKey, viewerKey, adminPassword, cts.Token);
        using var supervisorOnB = Fuzz.FuzzClients.Session(b.BaseAddress);
        await Fuzz.FuzzClients.LoginAsync(supervisorOnB, "sup", Fuzz.FuzzClients.Password, cts.Token);
        using var viewer = new HttpClient { BaseAddress = b.BaseAddress };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);
        await Events.PostAsync(people.Agent, Events.Started("watched"));
        async Task<int> LeftAsync() => (await Events.ReadAllAsync(viewer, "watched")).Count(e => e.Type == EventTypes.SupervisorLeft);
        async Task ListenAsync()
        {
            using var listen = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, "/api/v1/calls/watched/listen", new { }, cts.Token);
            Assert.True(listen.IsSuccessStatusCode, await listen.Content.ReadAsStringAsync(cts.Token));
        }

        (Task Reading, CancellationTokenSource Stop) Watch(HttpClient client)
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            var caughtUp = new TaskCompletionSource();
            var reading = Task.Run(async () =>
            {
                try
                {
                    await foreach (var frame in SseReader.ReadAsync(client, "/api/v1/calls/watched/stream", cancellationToken: stop.Token))
                    {
                        if (frame.Event == "caught-up")
                        {
                            caughtUp.TrySetResult();
                        }
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
                {
                }
            }, CancellationToken.None);
            caughtUp.Task.Wait(TimeSpan.FromSeconds(20));
            return (reading, stop);
        }

        await ListenAsync();
        var onA = Watch(people.Supervisor);
        var onB = Watch(supervisorOnB);
        await Task.Delay(1000, cts.Token);

        // The tab on node A closes; the one on node B is still open: still watching.
        await onA.Stop.CancelAsync();
        await onA.Reading;
        await Task.Delay(2500, cts.Token);
        Assert.Equal(0, await LeftAsync());

        // The last one closes: the watch ends, once.
        await onB.Stop.CancelAsync();
        await onB.Reading;
        await WaitForAsync(() => LeftAsync().GetAwaiter().GetResult() == 1, "supervisor.left after the last stream closed", cts.Token);

        // Watching again through node A only, and node A dies: node B ends the watch.
        await ListenAsync();
        var again = Watch(people.Supervisor);
        // Node A must have recorded the stream in the shared presence table before it dies (on a
        // loaded machine its first write can take longer than a fixed pause): otherwise no node
        // could know the watch was there.
        await WaitForAsync(() => PresenceRowsAsync(nodes.Database, "a", "watched", cts.Token).GetAwaiter().GetResult() > 0, "node A's presence row of the stream", cts.Token);
        a.Kill();
        await WaitForAsync(
            () => LeftAsync().GetAwaiter().GetResult() == 2,
            "supervisor.left after the node holding the stream died",
            cts.Token,
            () => $"lease holder: {LeaseHolderAsync(nodes.Database, "watcher departure", CancellationToken.None).GetAwaiter().GetResult()}; "
                + $"node A's presence rows: {PresenceRowsAsync(nodes.Database, "a", "watched", CancellationToken.None).GetAwaiter().GetResult()}; "
                + $"events: {string.Join(", ", Events.ReadAllAsync(viewer, "watched").GetAwaiter().GetResult().Select(e => e.Type))}\n"
                + "node B: " + string.Join("\n", b.Output.Where(l => l.Contains("warn", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("watch", StringComparison.OrdinalIgnoreCase)).TakeLast(40)));
        await again.Stop.CancelAsync();
        await again.Reading;
        onA.Stop.Dispose();
        onB.Stop.Dispose();
        again.Stop.Dispose();
    }

    [Fact]
    public async Task An_interim_transcript_sent_to_one_node_reaches_a_stream_on_another()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var nodes = await StartNodesAsync(["a", "b"], cts.Token);
        var (agentKey, viewerKey, a, b) = (nodes.AgentKey, nodes.ViewerKey, nodes["a"], nodes["b"]);
        using var agent = new HttpClient { BaseAddress = a.BaseAddress };
        agent.DefaultRequestHeaders.Authorization = new("Bearer", agentKey);
        using var viewer = new HttpClient { BaseAddress = b.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);
        await Events.PostAsync(agent, Events.Started("interim"));

        var frames = new System.Collections.Concurrent.ConcurrentQueue<SseFrame>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var frame in SseReader.ReadAsync(viewer, "/api/v1/calls/interim/stream", cancellationToken: stop.Token))
                {
                    frames.Enqueue(frame);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        await WaitForAsync(() => frames.Any(f => f.Event == "caught-up"), "node B's stream to catch up", cts.Token);

        // Sent again until it arrives: an ephemeral event sent before node B listened is not replayed, by design.
        await WaitForAsync(
            () =>
            {
                Events.PostAsync(agent, Events.Make("interim", Guid.NewGuid().ToString("N"), EventTypes.TranscriptInterim, new { speaker = "customer", segmentId = "seg-1", text = "I would like to can" })).GetAwaiter().GetResult();
                Thread.Sleep(100);
                return frames.Any(f => f.Event == EventTypes.TranscriptInterim);
            },
            "the interim transcript on node B's stream",
            cts.Token);
        var interim = frames.First(f => f.Event == EventTypes.TranscriptInterim);
        Assert.Contains("I would like to can", interim.Data, StringComparison.Ordinal);
        Assert.Null(interim.Id); // not stored: no seq
        await stop.CancelAsync();
        await reading;
    }

    [Fact]
    public async Task Outbound_delivery_passes_to_another_node_when_its_holder_is_killed_and_every_event_still_arrives_in_per_call_order()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var (receiver, setSecret) = await OutboundReceiving.StartReceiverAsync();
        await using var _ = receiver;
        // Slow answers keep deliveries in flight when the holder dies.
        receiver.Respond = _ => new(204, TimeSpan.FromMilliseconds(30));
        string[] calls = ["OUT_N1", "OUT_N2", "OUT_N3"];
        using var cluster = await StartNodesAsync(["a", "b"], cts.Token, "--Outbound:InitialBackoffMilliseconds=100", "--Outbound:MaxBackoffSeconds=2", "--Outbound:AttemptTimeoutSeconds=2");
        var nodes = cluster.Processes;
        var bootstrap = await nodes["a"].BootstrapPasswordAsync(cts.Token);
        using (var admin = await ApiSession.SignInAsync(nodes["a"].BaseAddress, "admin", bootstrap, cts.Token))
        {
            await admin.PostAsync("/api/v1/auth/password", new { currentPassword = bootstrap, newPassword = "multi-node outbound admin" }, cts.Token);
            var created = await admin.PostAsync("/api/v1/admin/outbound/subscriptions", new { name = "crm", url = receiver.Url.ToString() }, cts.Token);
            setSecret(created.GetProperty("secret").GetString());
        }

        async Task PostAsync(string node, int from, int to)
        {
            using var agent = new HttpClient { BaseAddress = nodes[node].BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            agent.DefaultRequestHeaders.Authorization = new("Bearer", cluster.AgentKey);
            for (var i = from; i < to; i += 5)
            {
                foreach (var call in calls)
                {
                    var batch = Enumerable.Range(i, 5).Select(n => Events.Line(call, $"l{n}", $"line {n}")).ToList();
                    if (i == 0)
                    {
                        batch.Insert(0, Events.Started(call));
                    }

                    await Events.PostAsync(agent, [.. batch]);
                }
            }
        }

        // Events go in through both nodes; one node delivers.
        await PostAsync("a", 0, 20);
        await PostAsync("b", 20, 40);
        await receiver.WaitUntilAsync(r => r.Count(x => x.Answered is 204) >= 20, TimeSpan.FromSeconds(60), cts.Token);
        var holder = await LeaseHolderAsync(cluster.Database, Switchboard.Server.Outbound.OutboundDelivery.LeaseName, cts.Token);
        Assert.Contains(holder, nodes.Keys);
        var survivor = nodes.Keys.Single(n => n != holder);
        nodes[holder].Kill();
        var beforeKill = receiver.Acknowledged.Count;
        Assert.True(beforeKill < calls.Length * 41, $"all {beforeKill} were delivered before the kill");

        // The survivor takes the lease over and goes on from the stored cursors, with new events too.
        await PostAsync(survivor, 40, 60);
        using var viewer = new HttpClient { BaseAddress = nodes[survivor].BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", cluster.ViewerKey);
        var expected = new Dictionary<string, long[]>();
        foreach (var call in calls)
        {
            var log = await Events.ReadAllAsync(viewer, call);
            Assert.True(log.Count >= 61, $"{call} has {log.Count} events");
            expected[call] = [.. log.Select(e => e.Seq)];
        }

        try
        {
            await receiver.WaitUntilAsync(r => OutboundReceiving.AllAcknowledged(r, expected), TimeSpan.FromSeconds(90), cts.Token);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + " Missing: " + OutboundReceiving.Missing(receiver.Received, expected), ex);
        }

        OutboundReceiving.AssertDeliveredInOrder(receiver.Received, expected);
        Assert.Equal(survivor, await LeaseHolderAsync(cluster.Database, Switchboard.Server.Outbound.OutboundDelivery.LeaseName, cts.Token));
    }

    /// <summary>Nodes of one test on a new database, started in order, with an agent key and a viewer key made through the first.</summary>
    private async Task<Nodes> StartNodesAsync(string[] names, CancellationToken cancellationToken, params string[] extra)
    {
        var database = PostgresServer.Shared.CreateDatabase();
        ServerSettings Settings(string node) => Node(database, node) with { Arguments = [.. Node(database, node).Arguments, .. extra] };
        var first = Path.Combine(_root, names[0]);
        var agentKey = await ServerProcess.CreateKeyAsync(first, Settings(names[0]), "agent", "agent", cancellationToken);
        var viewerKey = await ServerProcess.CreateKeyAsync(first, Settings(names[0]), "viewer", "viewer", cancellationToken);
        var nodes = new Nodes(database, agentKey, viewerKey);
        try
        {
            foreach (var name in names)
            {
                nodes.Processes[name] = await ServerProcess.StartAsync(Path.Combine(_root, name), Settings(name), cancellationToken);
            }
        }
        catch
        {
            nodes.Dispose();
            throw;
        }

        return nodes;
    }

    /// <summary>A test's running nodes by name; disposing stops every one still running.</summary>
    private sealed class Nodes(string database, string agentKey, string viewerKey) : IDisposable
    {
        public string Database { get; } = database;

        public string AgentKey { get; } = agentKey;

        public string ViewerKey { get; } = viewerKey;

        public Dictionary<string, ServerProcess> Processes { get; } = [];

        public ServerProcess this[string name] => Processes[name];

        public void Dispose()
        {
            foreach (var node in Processes.Values)
            {
                node.Dispose();
            }
        }
    }

    /// <summary>True when the node's live calls have the call (its page is answered from the log before that).</summary>
    private static bool IsLive(HttpClient client, string callId, CancellationToken cancellationToken) =>
        client.GetStringAsync("/api/v1/calls?status=active", cancellationToken).GetAwaiter().GetResult().Contains($"\"{callId}\"", StringComparison.Ordinal);

    private static async Task<int> ActiveCallsAsync(HttpClient viewer, CancellationToken cancellationToken)
    {
        var list = await viewer.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/calls", cancellationToken);
        return list.GetProperty("calls").GetArrayLength();
    }

    /// <summary>How many presence rows a node has written for streams of a call, in this test's database.</summary>
    private static async Task<long> PresenceRowsAsync(string database, string node, string callId, CancellationToken cancellationToken)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM supervisor_presence WHERE node = @node AND call_id = @call;", connection);
        command.Parameters.AddWithValue("node", node);
        command.Parameters.AddWithValue("call", callId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Which node's session holds a job's advisory lock in this test's database, from pg_locks (the
    /// key split into its two halves); other tests' servers hold the same keys in their own databases.
    /// </summary>
    private static async Task<string> LeaseHolderAsync(string database, string job, CancellationToken cancellationToken)
    {
        var key = Operations.PostgresJobLeases.KeyOf(job);
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand(
            """
            SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = @high AND l.objid::bigint = @low AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());
            """, connection);
        command.Parameters.AddWithValue("high", (long)(uint)(key >> 32));
        command.Parameters.AddWithValue("low", (long)(uint)key);
        var name = (string?)await command.ExecuteScalarAsync(cancellationToken) ?? "nobody";
        return name.StartsWith("switchboard ", StringComparison.Ordinal) ? name["switchboard ".Length..] : name;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, CancellationToken cancellationToken, Func<string>? explain = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed >= TimeSpan.FromSeconds(30))
            {
                Assert.Fail("timed out waiting for " + what + (explain is null ? "" : "; " + explain()));
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The seqs one SSE stream delivered, in the order it delivered them.</summary>
    private sealed class StreamLog
    {
        private readonly List<long> _seqs = [];

        public long LastSeq
        {
            get
            {
                lock (_seqs)
                {
                    return _seqs.Count == 0 ? 0 : _seqs[^1];
                }
            }
        }

        public List<long> Seqs
        {
            get
            {
                lock (_seqs)
                {
                    return [.. _seqs];
                }
            }
        }

        /// <summary>Reads the stream until the server ends it or the connection dies.</summary>
        public Task FollowAsync(HttpClient client, string url, string? lastEventId, CancellationToken cancellationToken) => Task.Run(async () =>
        {
            try
            {
                await foreach (var frame in SseReader.ReadAsync(client, url, lastEventId, cancellationToken))
                {
                    if (frame.Id is { } id && long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var seq))
                    {
                        lock (_seqs)
                        {
                            _seqs.Add(seq);
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                // The node died or ended the stream.
            }
        }, cancellationToken);
    }
}
