using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.LiveKit;

/// <summary>Interventions on a call in a LiveKit room, against the LiveKit API double.</summary>
public sealed class LiveKitInterventionTests : IAsyncLifetime
{
    private const string CallId = "RM_supervised1";
    private LiveKitApiDouble _api = null!;
    private DoubleRoom _room = null!;
    private SwitchboardApp _app = null!;
    private CommandAgent _agent = null!;
    private HttpClient _alice = null!;

    public async Task InitializeAsync()
    {
        _api = await LiveKitApiDouble.StartAsync();
        _room = _api.AddRoom(CallId, "room-" + CallId);
        _room.Add("agent-1", "AGENT", "TR_agent");
        _room.Add("caller", "SIP", "TR_caller");
        _room.Add("supervisor-alice", "STANDARD");
        _app = LiveKitSetup.App(_api);
        _app.Settings["Supervision:TransferDestinations:billing:TransferTo"] = "tel:+15550123";
        _app.Settings["Supervision:TransferDestinations:spanish:TransferTo"] = "tel:+15550199";
        _app.Settings["Supervision:TransferDestinations:spanish:SipTrunkId"] = "ST_out";
        _app.Settings["Supervision:TransferDestinations:spanish:SipCallTo"] = "+15550199";
        _app.Settings["Supervision:TransferDestinations:spanish:Description"] = "Spanish-speaking team";
        _agent = await CommandAgent.ConnectAsync(_app, _app.CreateKey("agent"));
        await _agent.SendAsync(AgentEvents.CallStarted(CallId), AgentEvents.Said(CallId, "customer", "I need help with my bill."));
        _alice = await _app.SignInAsync(Roles.Supervisor, "alice");
        _api.Calls.Clear();
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _alice.Dispose();
        _app.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task The_picker_lists_the_configured_destinations_and_which_allow_a_warm_transfer()
    {
        var list = await _alice.GetFromJsonAsync<JsonElement>("/api/v1/transfer-destinations");
        var destinations = list.GetProperty("destinations").EnumerateArray().ToList();
        Assert.Equal(["billing", "spanish"], destinations.Select(d => d.GetProperty("name").GetString()));
        Assert.False(destinations[0].GetProperty("warm").GetBoolean());
        Assert.True(destinations[1].GetProperty("warm").GetBoolean());
        Assert.Equal("Spanish-speaking team", destinations[1].GetProperty("description").GetString());
    }

    [Fact]
    public async Task Take_over_mutes_the_agent_and_lets_the_supervisor_speak_and_hand_back_reverses_both_in_order()
    {
        _api.RemoteUnmute = true;
        var takeover = await PostAsync("takeover", new { });
        Assert.Equal("voice", takeover.GetProperty("mode").GetString());
        var pause = await _agent.NextCommandAsync(CommandTypes.Pause);
        Assert.Equal("takeover", CommandAgent.Field(pause, "reason"));
        Assert.True(_room.Participants.Single(p => p.Identity == "agent-1").Tracks.Single().Muted);

        await _agent.SendAsync(AgentEvents.Said(CallId, "supervisor", "Hello, this is Alice."));
        var handback = await PostAsync("handback", new { });
        var resume = await _agent.NextCommandAsync(CommandTypes.Resume);
        Assert.Contains("supervisor: Hello, this is Alice.", CommandAgent.Field(resume, "summary"), StringComparison.Ordinal);
        Assert.False(resume.Data.GetProperty("unmuteSelf").GetBoolean());
        Assert.False(_room.Participants.Single(p => p.Identity == "agent-1").Tracks.Single().Muted);

        var calls = Mutations();
        Assert.Equal(["MutePublishedTrack", "UpdateParticipant", "UpdateParticipant", "MutePublishedTrack"], calls.Select(c => c.Method));
        Assert.Equal(("agent-1", "TR_agent", true), (Str(calls[0].Body, "identity"), Str(calls[0].Body, "trackSid"), Bool(calls[0].Body, "muted")));
        Assert.Equal(("supervisor-alice", true, false), (Str(calls[1].Body, "identity"), Bool(calls[1].Body["permission"]!, "canPublish"), Bool(calls[1].Body["permission"]!, "hidden")));
        Assert.Equal(["MICROPHONE"], calls[1].Body["permission"]!["canPublishSources"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(("supervisor-alice", false, true), (Str(calls[2].Body, "identity"), Bool(calls[2].Body["permission"]!, "canPublish"), Bool(calls[2].Body["permission"]!, "hidden")));
        Assert.Equal(("TR_agent", false), (Str(calls[3].Body, "trackSid"), Bool(calls[3].Body, "muted")));

        var audit = (await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Actor: "alice", Action: "call.*"), CancellationToken.None));
        Assert.Equal(["call.takeover", "call.handback"], audit.Select(e => e.Action).Reverse());
        Assert.All(audit, e => Assert.Equal(("ok", CallId), (e.Outcome, e.CallId)));
        Assert.Equal("voice", handback.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Without_remote_unmute_in_LiveKit_the_agent_is_told_to_unmute_itself()
    {
        await PostAsync("takeover", new { });
        await PostAsync("handback", new { });
        var resume = await _agent.NextCommandAsync(CommandTypes.Resume);
        Assert.True(resume.Data.GetProperty("unmuteSelf").GetBoolean());
        Assert.Null(State()!.TakeoverBy);
    }

    [Fact]
    public async Task A_supervisor_not_in_the_room_cannot_take_over_and_the_agent_is_unmuted_again()
    {
        _api.RemoteUnmute = true;
        using var bob = await _app.SignInAsync(Roles.Supervisor, "bob");
        using var response = await bob.PostAsJsonAsync($"/api/v1/calls/{CallId}/takeover", new { });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("listen", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(_room.Participants.Single(p => p.Identity == "agent-1").Tracks.Single().Muted);
        Assert.Null(State()!.TakeoverBy);
    }

    [Fact]
    public async Task Listening_gives_a_hidden_subscribe_only_token_for_the_room()
    {
        var listen = await PostAsync("listen", new { });
        Assert.Equal("voice", listen.GetProperty("mode").GetString());
        var token = listen.GetProperty("liveKit");
        Assert.Equal(("room-" + CallId, "supervisor-alice"), (token.GetProperty("room").GetString(), token.GetProperty("identity").GetString()));
        var claims = JsonNode.Parse(Encoding.UTF8.GetString(Base64Url(token.GetProperty("token").GetString()!.Split('.')[1])))!;
        var video = claims["video"]!;
        Assert.Equal(("room-" + CallId, true, true, true), ((string?)video["room"], (bool?)video["roomJoin"], (bool?)video["canSubscribe"], (bool?)video["hidden"]));
        Assert.NotEqual(true, (bool?)video["canPublish"]);
        Assert.NotEqual(true, (bool?)video["canPublishData"]);
        Assert.Equal("listen", State()!.Supervisors["alice"]);
    }

    [Fact]
    public async Task Ending_tells_the_agent_and_deletes_the_room()
    {
        await PostAsync("end", new { });
        Assert.Equal("supervisor_ended", CommandAgent.Field(await _agent.NextCommandAsync(CommandTypes.End), "reason"));
        Assert.Single(_api.CallsTo("livekit.RoomService/DeleteRoom"));
        Assert.Null(_api.Room(CallId));
    }

    [Fact]
    public async Task A_cold_transfer_refers_the_caller_and_ends_the_call()
    {
        var result = await PostAsync("transfer", new { destination = "billing" });
        Assert.Equal("billing", result.GetProperty("destination").GetString());
        var sent = Assert.Single(_api.CallsTo("livekit.SIP/TransferSIPParticipant"));
        Assert.Equal(("caller", "tel:+15550123"), (Str(JsonNode.Parse(sent.Body)!, "participantIdentity"), Str(JsonNode.Parse(sent.Body)!, "transferTo")));
        Assert.Equal("transferred", CommandAgent.Field(await _agent.NextCommandAsync(CommandTypes.End), "reason"));
        Assert.Null(State());
        var types = (await Events.ReadAllAsync(_alice, CallId)).Select(e => e.Type).ToList();
        Assert.Equal([EventTypes.TransferRequested, EventTypes.TransferCompleted, EventTypes.CallEnded], types.Where(t => t.StartsWith("transfer.", StringComparison.Ordinal) || t == EventTypes.CallEnded));
    }

    [Fact]
    public async Task A_refused_transfer_shows_the_SIP_reason_and_the_call_goes_on()
    {
        _api.TransferFailure = (486, "Busy Here");
        using var response = await _alice.PostAsJsonAsync($"/api/v1/calls/{CallId}/transfer", new { destination = "billing" });
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("SIP 486 Busy Here", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var failed = (await Events.ReadAllAsync(_alice, CallId)).Single(e => e.Type == EventTypes.TransferFailed);
        Assert.Contains("486", failed.Data.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.NotNull(State());
    }

    [Fact]
    public async Task A_warm_transfer_dials_the_human_in_and_then_ends_the_AI_part()
    {
        await PostAsync("transfer", new { destination = "spanish", mode = "warm" });
        var dial = JsonNode.Parse(Assert.Single(_api.CallsTo("livekit.SIP/CreateSIPParticipant")).Body)!;
        Assert.Equal(("ST_out", "+15550199", "room-" + CallId, true), (Str(dial, "sipTrunkId"), Str(dial, "sipCallTo"), Str(dial, "roomName"), Bool(dial, "waitUntilAnswered")));
        Assert.Equal("human_agent", (string?)dial["participantAttributes"]!["switchboard.role"]);
        Assert.Equal("transferred", CommandAgent.Field(await _agent.NextCommandAsync(CommandTypes.End), "reason"));
        Assert.NotNull(State());
        Assert.Contains(await Events.ReadAllAsync(_alice, CallId), e => e.Type == EventTypes.TransferCompleted && e.Data.GetProperty("mode").GetString() == "warm");
    }

    [Fact]
    public async Task An_unknown_destination_is_refused_with_the_known_ones()
    {
        using var response = await _alice.PostAsJsonAsync($"/api/v1/calls/{CallId}/transfer", new { destination = "mars" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("billing", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_api.CallsTo("livekit.SIP/TransferSIPParticipant"));
    }

    private List<(string Method, JsonNode Body)> Mutations() =>
        [.. _api.Calls.Where(c => c.Method is "livekit.RoomService/MutePublishedTrack" or "livekit.RoomService/UpdateParticipant")
            .Select(c => (c.Method.Split('/')[1], JsonNode.Parse(c.Body)!))];

    private CallState? State() => _app.Services.GetRequiredService<LiveCalls>().Find(CallId);

    private static string? Str(JsonNode node, string name) => (string?)node[name];

    private static bool Bool(JsonNode node, string name) => (bool?)node[name] ?? false;

    private static byte[] Base64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    private async Task<JsonElement> PostAsync(string action, object body)
    {
        using var response = await _alice.PostAsJsonAsync($"/api/v1/calls/{CallId}/{action}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{action}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
