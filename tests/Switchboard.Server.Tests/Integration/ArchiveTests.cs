using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Archive;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>
/// The archive as a user meets it, on a real server process: a fixture call sent through the
/// ingest API is summarised when it ends, summarised again when a late event arrives, and a
/// rebuild from the log gives the same summary — on SQLite and on PostgreSQL.
/// </summary>
public abstract class ArchiveTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => ServerProcess.DeleteDataDirectory(_root);

    /// <summary>The store's settings.</summary>
    protected abstract IReadOnlyList<string> StoreArguments();

    [Fact]
    public async Task An_ended_call_is_summarised_from_its_own_times_again_after_a_late_event_and_the_same_after_a_rebuild()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var settings = ServerSettings.Tests with
        {
            Arguments = [.. StoreArguments(), .. ArchiveFixture.Settings.Select(p => $"--{p.Key}={p.Value}")],
        };
        var agentKey = await ServerProcess.CreateKeyAsync(_root, settings, "agent", "agent", cts.Token);
        var viewerKey = await ServerProcess.CreateKeyAsync(_root, settings, "viewer", "viewer", cts.Token);
        using var server = await ServerProcess.StartAsync(_root, settings, cts.Token);
        var adminPassword = await server.WaitForOutputAsync(new System.Text.RegularExpressions.Regex("password '([^']+)'"), cts.Token);
        using var people = await Fuzz.FuzzClients.CreateAsync(server.BaseAddress, agentKey, viewerKey, adminPassword, cts.Token);

        Assert.Equal(HttpStatusCode.NotFound, (await people.Viewer.GetAsync("/api/v1/calls/archived/summary", cts.Token)).StatusCode);
        await Events.PostAsync(people.Agent, ArchiveFixture.AgentEvents("archived"));

        var summary = await SummaryAsync(people.Viewer, s => s is not null, cts.Token);
        // A viewer sees the caller's number masked, as everywhere else.
        ArchiveFixture.AssertAgentFigures(summary, callerNumber: "[phone]");
        // The server scored the customer's two lines (its own events, folded in too).
        Assert.True(summary.LastSeq >= 13);

        // A late event after the end folds in: one more tool call, the rest as it was.
        await Events.PostAsync(people.Agent, Events.Make("archived", "late", EventTypes.ToolCalled, new { toolCallId = "tc9", name = "send_survey" }, 70));
        var late = await SummaryAsync(people.Viewer, s => s?.LastSeq > summary.LastSeq, cts.Token);
        Assert.Equal(2, late.ToolCalls);
        ArchiveFixture.AssertAgentFigures(late with { ToolCalls = 1 }, callerNumber: "[phone]");

        var before = await people.Viewer.GetStringAsync("/api/v1/calls/archived/summary", cts.Token);
        using var rebuilt = await Fuzz.FuzzClients.SendAsync(people.Admin, people.AdminToken, HttpMethod.Post, "/api/v1/admin/archive/rebuild", new { }, cts.Token);
        Assert.True(rebuilt.IsSuccessStatusCode, await rebuilt.Content.ReadAsStringAsync(cts.Token));
        Assert.Equal(1, (await rebuilt.Content.ReadFromJsonAsync<JsonElement>(cts.Token)).GetProperty("calls").GetInt32());
        Assert.Equal(before, await people.Viewer.GetStringAsync("/api/v1/calls/archived/summary", cts.Token));

        // Only admins rebuild.
        using var refused = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, "/api/v1/admin/archive/rebuild", new { }, cts.Token);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static async Task<CallSummary> SummaryAsync(HttpClient viewer, Func<CallSummary?, bool> done, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await viewer.GetAsync("/api/v1/calls/archived/summary", cancellationToken);
            var summary = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<CallSummary>(ContractJson.Options, cancellationToken) : null;
            if (done(summary))
            {
                return summary!;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for the call's summary");
            await Task.Delay(50, cancellationToken);
        }
    }
}

public sealed class SqliteArchiveTests : ArchiveTests
{
    protected override IReadOnlyList<string> StoreArguments() => [];
}

public sealed class PostgresArchiveTests : ArchiveTests
{
    private readonly string _database = PostgresServer.Shared.CreateDatabase();

    protected override IReadOnlyList<string> StoreArguments() => ["--Storage:Provider=postgres", "--Storage:ConnectionString=" + _database];
}
