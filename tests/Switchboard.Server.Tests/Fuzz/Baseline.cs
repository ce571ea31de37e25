using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Fuzz;

/// <summary>What was accepted before the fuzzing began, to prove afterwards that none of it changed.</summary>
public sealed class Baseline
{
    private readonly Dictionary<string, List<string>> _events = new(StringComparer.Ordinal);
    private readonly string[] _protectedUsers;
    private readonly string[] _protectedKeys;
    private readonly long _kbEntry;
    private string _kbText = "";

    private Baseline(FuzzClients clients, string[] keyIds, long kbEntry)
    {
        _protectedUsers = [clients.AdminId, clients.SupervisorId];
        _protectedKeys = keyIds;
        _kbEntry = kbEntry;
    }

    /// <summary>Calls the fuzzer addresses: the baseline's and a few it may create.</summary>
    public IReadOnlyList<string> CallIds { get; } = ["BASE-1", "BASE-2", "FUZZ-1", "FUZZ-2", "RM_fuzz"];

    public static async Task<Baseline> CreateAsync(FuzzClients clients, CancellationToken cancellationToken)
    {
        foreach (var call in new[] { "BASE-1", "BASE-2" })
        {
            await Events.PostAsync(
                clients.Agent,
                Events.Started(call),
                Events.Line(call, "l1", "I was charged twice for my card ending 4242"),
                Events.Make(call, "t1", EventTypes.ToolCalled, new { toolCallId = "t1", name = "lookup", arguments = new { account = "A-17", note = "ünïcødé ✓" } }),
                Events.Line(call, "l2", "Let me check that for you.", speaker: "agent"));
        }

        var keys = await clients.Admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/keys", cancellationToken);
        var keyIds = keys.EnumerateArray().Select(k => k.GetProperty("id").GetString()!).ToArray();
        using var created = await FuzzClients.SendAsync(clients.Supervisor, clients.SupervisorToken, HttpMethod.Post, "/api/v1/kb",
            new { question = "How do I reset my router?", answer = "Hold the reset button for ten seconds.", topic = "support" }, cancellationToken);
        created.EnsureSuccessStatusCode();
        var entry = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetInt64();
        var baseline = new Baseline(clients, keyIds, entry);
        foreach (var call in new[] { "BASE-1", "BASE-2" })
        {
            baseline._events[call] = await EventsOfAsync(clients.Viewer, call, cancellationToken);
        }

        baseline._kbText = await KbTextAsync(clients, entry, cancellationToken);
        return baseline;
    }

    /// <summary>An id for a path parameter: a real one, except that mutations never touch the fuzzer's own accounts, keys and entry.</summary>
    public string IdFor(string pathTemplate, bool mutating, Random random)
    {
        if (pathTemplate.StartsWith("/api/v1/admin/users", StringComparison.Ordinal))
        {
            return mutating ? "user-" + random.Next(100) : _protectedUsers[random.Next(_protectedUsers.Length)];
        }

        if (pathTemplate.StartsWith("/api/v1/admin/keys", StringComparison.Ordinal))
        {
            return mutating ? "key-" + random.Next(100) : _protectedKeys[random.Next(_protectedKeys.Length)];
        }

        if (pathTemplate.StartsWith("/api/v1/kb", StringComparison.Ordinal))
        {
            return mutating ? (_kbEntry + 1 + random.Next(5)).ToString(System.Globalization.CultureInfo.InvariantCulture) : _kbEntry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return pathTemplate.StartsWith("/api/v1/calls", StringComparison.Ordinal) ? CallIds[random.Next(CallIds.Count)] : "help_" + random.Next(100);
    }

    /// <summary>Every event stored before is stored the same, the accounts and keys still work, the entry is as it was.</summary>
    public async Task AssertUnchangedAsync(FuzzClients clients, CancellationToken cancellationToken)
    {
        foreach (var (call, before) in _events)
        {
            var now = await EventsOfAsync(clients.Viewer, call, cancellationToken);
            Assert.True(now.Count >= before.Count, $"{call} lost events");
            Assert.Equal(before, now.Take(before.Count));
        }

        var users = await clients.Admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/users", cancellationToken);
        foreach (var id in _protectedUsers)
        {
            var user = users.EnumerateArray().Single(u => u.GetProperty("id").GetString() == id);
            Assert.False(user.TryGetProperty("disabledAt", out var disabled) && disabled.ValueKind != JsonValueKind.Null);
        }

        var keys = await clients.Admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/keys", cancellationToken);
        foreach (var id in _protectedKeys)
        {
            var key = keys.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
            Assert.False(key.TryGetProperty("revokedAt", out var revoked) && revoked.ValueKind != JsonValueKind.Null);
        }

        Assert.Equal(_kbText, await KbTextAsync(clients, _kbEntry, cancellationToken));
    }

    private static async Task<List<string>> EventsOfAsync(HttpClient viewer, string callId, CancellationToken cancellationToken)
    {
        var page = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/calls/{callId}/events?limit=1000", cancellationToken);
        return [.. page.GetProperty("events").EnumerateArray().Select(e => e.GetRawText())];
    }

    private static async Task<string> KbTextAsync(FuzzClients clients, long id, CancellationToken cancellationToken)
    {
        var entry = await clients.Supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/kb/{id}", cancellationToken);
        return entry.GetProperty("question").GetString() + "|" + entry.GetProperty("answer").GetString() + "|" + entry.GetProperty("status").GetString();
    }
}
