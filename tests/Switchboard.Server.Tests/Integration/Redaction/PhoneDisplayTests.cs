using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Storage;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.Redaction;

/// <summary>
/// Phone numbers are stored as spoken by default and masked in every answer and stream to callers
/// that may not see originals: viewer keys always, supervisors unless allowed; admins see them.
/// </summary>
public sealed class PhoneDisplayTests : IDisposable
{
    private const string CallId = "SIM_phone";
    private const string Spoken = "You can reach me on (415) 555-0123 after six.";
    private const string Question = "The caller on 415-555-0123 asks for a call back; may we?";

    private readonly SwitchboardApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_viewer_key_sees_the_number_masked_everywhere_while_it_is_stored_as_spoken()
    {
        var (agent, viewer) = Keys();
        await using var wallboard = await LiveStream.OpenAsync(viewer, "/api/v1/wallboard/stream", "snapshot");
        await using var call = await LiveStream.OpenAsync(viewer, $"/api/v1/calls/{CallId}/stream", "caught-up");
        await CallAsync(agent, Spoken);

        AssertMasked((await call.NextAsync(EventTypes.TranscriptFinal)).Data);
        AssertMasked(await NextSummaryWithLineAsync(wallboard));
        AssertMasked(await HistoryAsync(viewer));
        AssertMasked(await HistoryAsync(viewer, lastEventId: "1"));
        AssertMasked(await viewer.GetStringAsync($"/api/v1/calls/{CallId}/events?after=0"));
        AssertMasked(await viewer.GetStringAsync($"/api/v1/calls/{CallId}"));
        AssertMasked(await viewer.GetStringAsync("/api/v1/calls"));
        var snapshot = await SseReader.ReadUntilAsync(viewer, "/api/v1/wallboard/stream", f => f.Event == "snapshot");
        AssertMasked(snapshot[^1].Data);
        Assert.Contains(StoredData(), d => d.Contains("(415) 555-0123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_supervisor_sees_masks_in_the_call_and_the_help_queue_while_an_admin_sees_the_number()
    {
        var (agent, _) = Keys();
        using var supervisor = await _app.SignInAsync(Roles.Supervisor);
        using var admin = await _app.SignInAsync(Roles.Admin);
        await using var queue = await LiveStream.OpenAsync(supervisor, "/api/v1/escalations/stream", "snapshot");
        await using var adminQueue = await LiveStream.OpenAsync(admin, "/api/v1/escalations/stream?all=true", "snapshot");
        await CallAsync(agent, Spoken, Question);

        var shown = await queue.NextOpenRequestAsync();
        AssertMasked(shown.GetRawText(), Question);
        AssertMasked(shown.GetProperty("recentTranscript").GetRawText());
        var id = shown.GetProperty("request").GetProperty("id").GetString();
        AssertMasked(await supervisor.GetStringAsync("/api/v1/escalations"), Question);
        AssertMasked(await supervisor.GetStringAsync($"/api/v1/escalations/{id}"), Question);
        using (var claim = await supervisor.PostAsync($"/api/v1/escalations/{id}/claim", null))
        {
            AssertMasked(await claim.Content.ReadAsStringAsync(), Question);
        }

        AssertMasked(await supervisor.GetStringAsync($"/api/v1/calls/{CallId}"), Question);
        AssertMasked(await HistoryAsync(supervisor), Question);

        var adminView = (await adminQueue.NextOpenRequestAsync()).GetRawText();
        Assert.Contains(Question, ReadableJson.Decoded(adminView), StringComparison.Ordinal);
        Assert.Contains(Spoken, ReadableJson.Decoded(adminView), StringComparison.Ordinal);
        Assert.Contains(Spoken, ReadableJson.Decoded(await admin.GetStringAsync($"/api/v1/calls/{CallId}")), StringComparison.Ordinal);
        Assert.Contains(Question, ReadableJson.Decoded(await HistoryAsync(admin)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_supervisors_may_see_originals_they_do_and_viewer_keys_still_do_not()
    {
        _app.Settings["Redaction:OriginalsRole"] = "supervisor";
        var (agent, viewer) = Keys();
        using var supervisor = await _app.SignInAsync(Roles.Supervisor);
        using var viewerSession = await _app.SignInAsync(Roles.Viewer);
        await CallAsync(agent, Spoken);

        Assert.Contains(Spoken, ReadableJson.Decoded(await HistoryAsync(supervisor)), StringComparison.Ordinal);
        AssertMasked(await HistoryAsync(viewerSession));
        AssertMasked(await HistoryAsync(viewer));
    }

    [Fact]
    public async Task With_phone_numbers_set_to_storage_the_number_is_never_stored()
    {
        _app.Settings["Redaction:Phone"] = "storage";
        var (agent, _) = Keys();
        using var admin = await _app.SignInAsync(Roles.Admin);
        await CallAsync(agent, Spoken);

        AssertMasked(await HistoryAsync(admin));
        Assert.All(StoredData(), d => Assert.DoesNotContain("555-0123", d, StringComparison.Ordinal));
        Assert.All(StoredData(), d => Assert.DoesNotContain("4155550123", d, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_answered_question_enters_the_knowledge_base_without_the_callers_number()
    {
        var (agent, _) = Keys();
        using var admin = await _app.SignInAsync(Roles.Admin);
        await using var queue = await LiveStream.OpenAsync(admin, "/api/v1/escalations/stream", "snapshot");
        await CallAsync(agent, Spoken, Question);
        var id = (await queue.NextOpenRequestAsync()).GetProperty("request").GetProperty("id").GetString();

        using var answer = await admin.PostAsJsonAsync($"/api/v1/escalations/{id}/answer", new { answer = "Yes, from the billing line." });
        answer.EnsureSuccessStatusCode();

        // Even for an admin: the knowledge base is read on every other call, by agents too.
        AssertMasked(await admin.GetStringAsync("/api/v1/kb?status=pending"), Question);
    }

    [Fact]
    public async Task The_hand_back_summary_is_masked_for_the_supervisor_and_whole_for_the_agent_on_the_call()
    {
        await using var agent = await CommandAgent.ConnectAsync(_app, _app.CreateKey("agent"));
        var call = AgentEvents.NewCallId();
        await agent.SendAsync(AgentEvents.CallStarted(call));
        using var supervisor = await _app.SignInAsync(Roles.Supervisor);
        (await supervisor.PostAsJsonAsync($"/api/v1/calls/{call}/takeover", new { })).EnsureSuccessStatusCode();
        await agent.SendAsync(AgentEvents.Said(call, "customer", Spoken));

        using var handback = await supervisor.PostAsJsonAsync($"/api/v1/calls/{call}/handback", new { });
        handback.EnsureSuccessStatusCode();

        AssertMasked(await handback.Content.ReadAsStringAsync());
        var resume = await agent.NextCommandAsync(CommandTypes.Resume);
        Assert.Contains(Spoken, CommandAgent.Field(resume, "summary"), StringComparison.Ordinal);
    }

    private (HttpClient Agent, HttpClient Viewer) Keys() => (_app.ClientWithKey(_app.CreateKey("agent")), _app.ClientWithKey(_app.CreateKey("viewer")));

    private static async Task CallAsync(HttpClient agent, string line, string? question = null)
    {
        await Events.PostAsync(
            agent,
            Events.Make(CallId, "start", EventTypes.CallStarted, new { agentName = "salon", caller = new { number = "+14155550123" } }),
            Events.Make(CallId, "p1", EventTypes.ParticipantJoined, new { identity = "sip_+14155550123", role = "customer" }),
            Events.Line(CallId, "l1", line));
        if (question is not null)
        {
            await Events.PostAsync(agent, Events.Make(CallId, "q1", EventTypes.EscalationRequested, new { requestId = "q1", question, topic = "billing", context = "Caller said 415-555-0123 twice." }));
        }
    }

    private static async Task<string> HistoryAsync(HttpClient client, string? lastEventId = null) =>
        string.Join("\n", (await SseReader.ReadUntilAsync(client, $"/api/v1/calls/{CallId}/stream", f => f.Event == "caught-up", lastEventId)).Select(f => f.Data));

    private static async Task<string> NextSummaryWithLineAsync(LiveStream wallboard)
    {
        while (true)
        {
            var frame = await wallboard.NextAsync("call");
            if (frame.Data.Contains("\"lastLine\"", StringComparison.Ordinal))
            {
                return frame.Data;
            }
        }
    }

    /// <summary>The number is nowhere in the answer, in any format, and the mask is.</summary>
    private static void AssertMasked(string json, string? question = null)
    {
        var text = ReadableJson.Decoded(json);
        Assert.DoesNotContain("555-0123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("4155550123", text, StringComparison.Ordinal);
        Assert.Contains("[phone]", text, StringComparison.Ordinal);
        if (question is not null)
        {
            Assert.Contains("The caller on [phone] asks for a call back; may we?", text, StringComparison.Ordinal);
        }
    }

    private List<string> StoredData()
    {
        var path = _app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.DatabasePath;
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM events;";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(ReadableJson.Decoded(reader.GetString(0)));
        }

        return rows;
    }
}
