using System.Net;
using System.Net.Http.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>Moving a SQLite deployment onto PostgreSQL with <c>import-sqlite</c>: the log and the keys, as they were.</summary>
public sealed class ImportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => ServerProcess.DeleteDataDirectory(_root);

    [Fact]
    public async Task A_sqlite_deployment_moves_to_postgres_with_every_event_at_its_seq_and_every_key_as_it_was()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var sqliteDir = Path.Combine(_root, "sqlite");
        var agentKey = await ServerProcess.CreateKeyAsync(sqliteDir, ServerSettings.Tests, "agent", "agent", cts.Token);
        var viewerKey = await ServerProcess.CreateKeyAsync(sqliteDir, ServerSettings.Tests, "viewer", "viewer", cts.Token);
        var revokedKey = await ServerProcess.CreateKeyAsync(sqliteDir, ServerSettings.Tests, "viewer", "old screen", cts.Token);
        var (_, list, _) = await ServerProcess.RunCommandAsync(sqliteDir, cts.Token, "keys", "list");
        var revokedId = list.Split('\n').Single(l => l.Split('\t') is [_, _, "old screen", ..]).Split('\t')[0];
        Assert.Equal(0, (await ServerProcess.RunCommandAsync(sqliteDir, cts.Token, "keys", "revoke", revokedId)).ExitCode);
        List<StoredEvent> before1, before2;
        System.Text.Json.JsonElement auditBefore;
        using (var sqlite = await ServerProcess.StartAsync(sqliteDir, cts.Token, "--Insights:Enabled=false"))
        {
            var adminPassword = await sqlite.WaitForOutputAsync(new System.Text.RegularExpressions.Regex("password '([^']+)'"), cts.Token);
            using var people = await Fuzz.FuzzClients.CreateAsync(sqlite.BaseAddress, agentKey, viewerKey, adminPassword, cts.Token);
            using var agent = Client(sqlite.BaseAddress, agentKey);
            using var viewer = Client(sqlite.BaseAddress, viewerKey);
            await Events.PostAsync(agent, Events.Started("moved-1"), Events.Line("moved-1", "l1", "hello"), Events.Ended("moved-1"));
            await Events.PostAsync(agent, Events.Line("moved-1", "late", "after the end"), Events.Started("moved-2"), Events.Line("moved-2", "l1", "still on"));
            // A help request nobody was online for, and an entry a supervisor wrote.
            await Events.PostAsync(agent, Events.Make("moved-2", "ask-1", EventTypes.EscalationRequested, new { requestId = "r1", question = "Do you deliver on Sundays?" }));
            using (var created = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, "/api/v1/kb", new { question = "Do you deliver to the islands?", answer = "Yes, twice a week.", topic = "shipping" }, cts.Token))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            await WaitForAsync(async () => (await Events.ReadAllAsync(viewer, "moved-2")).Any(e => e.Type == EventTypes.EscalationCancelled), cts.Token);
            before1 = await Events.ReadAllAsync(viewer, "moved-1");
            before2 = await Events.ReadAllAsync(viewer, "moved-2");
            auditBefore = await people.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/admin/audit?limit=1000", cts.Token);
            await sqlite.StopAsync(cts.Token);
        }

        var database = PostgresServer.Shared.CreateDatabase();
        var postgres = ServerSettings.Tests with { Arguments = ["--Storage:Provider=postgres", "--Storage:ConnectionString=" + database, "--Insights:Enabled=false"] };
        var nodeDir = Path.Combine(_root, "node");
        var first = await ServerProcess.RunCommandAsync(nodeDir, postgres, cts.Token, "import-sqlite", "--from", sqliteDir);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.StartsWith(
            $"imported 2 calls, {before1.Count + before2.Count} events (0 already there), 3 API keys, 2 accounts, 1 knowledge-base entries, 1 help requests and {auditBefore.GetArrayLength()} audit records",
            ResultLine(first.Output),
            StringComparison.Ordinal);
        // A second run finds everything there and changes nothing.
        var again = await ServerProcess.RunCommandAsync(nodeDir, postgres, cts.Token, "import-sqlite", "--from", sqliteDir);
        Assert.StartsWith(
            $"imported 2 calls, {before1.Count + before2.Count} events ({before1.Count + before2.Count} already there), 0 API keys, 0 accounts, 0 knowledge-base entries, 0 help requests and 0 audit records",
            ResultLine(again.Output),
            StringComparison.Ordinal);

        using var node = await ServerProcess.StartAsync(nodeDir, postgres, cts.Token);
        using var agentOnNode = Client(node.BaseAddress, agentKey);
        using var viewerOnNode = Client(node.BaseAddress, viewerKey);
        using var revokedOnNode = Client(node.BaseAddress, revokedKey);
        Assert.Equal(Describe(before1), Describe(await Events.ReadAllAsync(viewerOnNode, "moved-1")));
        Assert.Equal(Describe(before2), Describe(await Events.ReadAllAsync(viewerOnNode, "moved-2")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await revokedOnNode.GetAsync("/api/v1/calls", cts.Token)).StatusCode);
        // The moved call goes on where it was, with the key that wrote it.
        var ack = await Events.PostAsync(agentOnNode, Events.Line("moved-2", "l2", "after the move"));
        Assert.Equal(before2[^1].Seq + 1, ack.Results[0].Seq);
        Assert.Contains("moved-2", await viewerOnNode.GetStringAsync("/api/v1/calls", cts.Token), StringComparison.Ordinal);

        // The admin moved too, with the password it had: the new node made no admin of its own.
        Assert.DoesNotContain(node.Output, line => line.Contains("created the first account", StringComparison.Ordinal));
        using var admin = Fuzz.FuzzClients.Session(node.BaseAddress);
        await Fuzz.FuzzClients.LoginAsync(admin, "admin", Fuzz.FuzzClients.Password, cts.Token);

        // The knowledge base, the help requests and the audit trail moved as they were.
        var hits = await agentOnNode.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/kb/search?q=islands+delivery", cts.Token);
        Assert.Equal("Yes, twice a week.", Assert.Single(hits.EnumerateArray()).GetProperty("answer").GetString());
        var requests = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/escalations?status=all", cts.Token);
        var request = Assert.Single(requests.EnumerateArray()).GetProperty("request");
        Assert.Equal(("unavailable", "Do you deliver on Sundays?"), (request.GetProperty("status").GetString(), request.GetProperty("question").GetString()));
        var auditAfter = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/admin/audit?limit=1000", cts.Token);
        static string Line(System.Text.Json.JsonElement e) => $"{e.GetProperty("at").GetDateTimeOffset().UtcTicks} {e.GetProperty("actor").GetString()} {e.GetProperty("action").GetString()} {e.GetProperty("outcome").GetString()}";
        var moved = auditBefore.EnumerateArray().Select(Line).ToList();
        Assert.Equal(moved, auditAfter.EnumerateArray().Select(Line).Where(moved.Contains));
        Assert.Contains(moved, l => l.EndsWith("sup kb.create ok", StringComparison.Ordinal));

        static List<string> Describe(List<StoredEvent> events) =>
            [.. events.Select(e => $"{e.Seq} {e.Id} {e.Type} {e.At.UtcTicks} {e.ReceivedAt.UtcTicks} {e.Data.GetRawText()}")];
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for the help request to be closed");
            await Task.Delay(50, cancellationToken);
        }
    }

    private static HttpClient Client(Uri node, string key)
    {
        var client = new HttpClient { BaseAddress = node };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    /// <summary>The command's result line (a log line of the run may come before it).</summary>
    private static string ResultLine(string output) =>
        output.Split('\n').FirstOrDefault(l => l.StartsWith("imported ", StringComparison.Ordinal)) ?? output;
}
