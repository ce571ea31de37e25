using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Storage;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.Redaction;

/// <summary>Card numbers are masked before storage by default: no copy of one is kept or sent anywhere.</summary>
public sealed class CardStorageTests : IDisposable
{
    private const string CallId = "SIM_card";
    private static readonly string[] Originals = ["4111 1111 1111 1111", "4111111111111111", "4242424242424242", "5555-5555-5555-4444"];

    private readonly SwitchboardApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_card_number_given_by_a_caller_is_in_neither_the_database_file_nor_any_stream()
    {
        var agent = _app.ClientWithKey(_app.CreateKey("agent"));
        var viewer = _app.ClientWithKey(_app.CreateKey("viewer"));
        using var admin = await _app.SignInAsync(Roles.Admin);
        await Events.PostAsync(agent, Events.Started(CallId));
        await using var live = await LiveStream.OpenAsync(admin, $"/api/v1/calls/{CallId}/stream", "caught-up");
        await using var wallboard = await LiveStream.OpenAsync(viewer, "/api/v1/wallboard/stream", "snapshot");

        await Events.PostAsync(
            agent,
            Events.Make(CallId, "i1", EventTypes.TranscriptInterim, new { speaker = "customer", segmentId = "s1", text = "it's four one one one one one one one one one one one one one one one" }),
            Events.Line(CallId, "l1", "It's 4111 1111 1111 1111, expiry twelve twenty-seven."),
            Events.Make(CallId, "t1", EventTypes.ToolCalled, new { toolCallId = "t1", name = "take_payment", arguments = new { card = new { number = "4242424242424242" }, backup = "5555-5555-5555-4444" } }));

        var interim = await live.NextAsync(EventTypes.TranscriptInterim);
        var line = await live.NextAsync(EventTypes.TranscriptFinal);
        var tool = await live.NextAsync(EventTypes.ToolCalled);
        var summary = await wallboard.NextAsync("call");
        Assert.Contains("it's [card ending 1111]", ReadableJson.Decoded(interim.Data), StringComparison.Ordinal);
        Assert.Contains("It's [card ending 1111], expiry twelve twenty-seven.", ReadableJson.Decoded(line.Data), StringComparison.Ordinal);
        Assert.Contains("[card ending 4242]", tool.Data, StringComparison.Ordinal);
        Assert.Contains("[card ending 4444]", tool.Data, StringComparison.Ordinal);
        var history = await SseReader.ReadUntilAsync(admin, $"/api/v1/calls/{CallId}/stream", f => f.Event == "caught-up");
        using var state = await admin.GetAsync($"/api/v1/calls/{CallId}");
        using var page = await admin.GetAsync($"/api/v1/calls/{CallId}/events");
        var seen = new[] { interim.Data, line.Data, tool.Data, summary.Data, await state.Content.ReadAsStringAsync(), await page.Content.ReadAsStringAsync() }
            .Concat(history.Select(f => f.Data));
        foreach (var text in seen)
        {
            AssertNoOriginal(text);
        }

        foreach (var data in StoredData())
        {
            AssertNoOriginal(data);
        }

        AssertNotInFiles();
    }

    [Fact]
    public async Task With_cards_set_to_display_the_number_is_stored_and_shown_only_to_admins()
    {
        _app.Settings["Redaction:Card"] = "display";
        var agent = _app.ClientWithKey(_app.CreateKey("agent"));
        var viewer = _app.ClientWithKey(_app.CreateKey("viewer"));
        using var supervisor = await _app.SignInAsync(Roles.Supervisor);
        using var admin = await _app.SignInAsync(Roles.Admin);

        await Events.PostAsync(agent, Events.Started(CallId), Events.Line(CallId, "l1", "It's 4111 1111 1111 1111."));

        Assert.Contains(StoredData(), d => d.Contains("4111 1111 1111 1111", StringComparison.Ordinal));
        Assert.Contains("[card ending 1111]", await LineAsync(viewer), StringComparison.Ordinal);
        Assert.Contains("[card ending 1111]", await LineAsync(supervisor), StringComparison.Ordinal);
        Assert.Contains("It's 4111 1111 1111 1111.", ReadableJson.Decoded(await LineAsync(admin)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_cards_set_to_off_the_number_is_stored_and_shown_as_spoken()
    {
        _app.Settings["Redaction:Card"] = "off";
        var agent = _app.ClientWithKey(_app.CreateKey("agent"));
        var viewer = _app.ClientWithKey(_app.CreateKey("viewer"));

        await Events.PostAsync(agent, Events.Started(CallId), Events.Line(CallId, "l1", "It's 4111 1111 1111 1111."));

        Assert.Contains("It's 4111 1111 1111 1111.", ReadableJson.Decoded(await LineAsync(viewer)), StringComparison.Ordinal);
    }

    private static async Task<string> LineAsync(HttpClient client)
    {
        var frames = await SseReader.ReadUntilAsync(client, $"/api/v1/calls/{CallId}/stream", f => f.Event == "caught-up");
        return frames.Single(f => f.Event == EventTypes.TranscriptFinal).Data;
    }

    private static void AssertNoOriginal(string text)
    {
        foreach (var original in Originals)
        {
            Assert.DoesNotContain(original, text, StringComparison.Ordinal);
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
            rows.Add(reader.GetString(0));
        }

        Assert.NotEmpty(rows);
        return rows;
    }

    /// <summary>Not in any page of the database or its write-ahead log, free pages included.</summary>
    private void AssertNotInFiles()
    {
        var path = _app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.DatabasePath;
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            foreach (var original in Originals)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(original)) < 0, $"{Path.GetFileName(file)} holds {original}");
            }
        }
    }
}
