using System.Net;
using System.Text;
using System.Text.Json;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>The server answers every client-to-server vector of tests/protocol-vectors as the vector says.</summary>
public sealed class ProtocolVectorTests
{
    private static readonly string Directory = Path.Combine(ServerProcess.RepositoryRoot, "tests", "protocol-vectors");

    public static TheoryData<string> ClientToServer()
    {
        var data = new TheoryData<string>();
        foreach (var path in System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal))
        {
            using var vector = JsonDocument.Parse(File.ReadAllText(path));
            if (vector.RootElement.GetProperty("direction").GetString() == "client-to-server")
            {
                data.Add(Path.GetFileName(path));
            }
        }

        return data;
    }

    [Fact]
    public void Every_vector_has_the_documented_members()
    {
        string[] frames = ["http-batch", "socket-batch", "socket-ack", "socket-command", "http-ack", "problem"];
        var files = System.IO.Directory.GetFiles(Directory, "*.json");
        Assert.True(files.Length >= 20);
        foreach (var path in files)
        {
            using var vector = JsonDocument.Parse(File.ReadAllText(path));
            var root = vector.RootElement;
            Assert.Equal(["description", "frame", "direction", "json", "valid", "expect"], root.EnumerateObject().Select(p => p.Name));
            Assert.Contains(root.GetProperty("frame").GetString(), frames);
            Assert.Contains(root.GetProperty("direction").GetString(), new[] { "client-to-server", "server-to-client" });
        }
    }

    [Theory]
    [MemberData(nameof(ClientToServer))]
    public async Task The_server_answers_the_vector_as_it_says(string file)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var vector = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Directory, file), cts.Token));
        var root = vector.RootElement;
        var json = root.GetProperty("json");
        var expect = root.GetProperty("expect");
        var valid = root.GetProperty("valid").GetBoolean();
        using var app = new SwitchboardApp();
        var agentKey = app.CreateKey("agent");
        using var viewer = app.ClientWithKey(app.CreateKey("viewer"));

        JsonElement answer;
        if (root.GetProperty("frame").GetString() == "http-batch")
        {
            using var agent = app.ClientWithKey(agentKey);
            using var response = await agent.PostAsync("/api/v1/events", new StringContent(json.GetRawText(), Encoding.UTF8, "application/json"), cts.Token);
            Assert.Equal(expect.GetProperty("status").GetInt32(), (int)response.StatusCode);
            answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cts.Token)).RootElement;
        }
        else
        {
            await using var socket = await AgentSocket.ConnectAsync(app, agentKey, cts.Token);
            await socket.SendRawAsync(json.GetRawText(), cts.Token);
            var message = await socket.ReceiveAsync(cts.Token);
            Assert.Equal(expect.GetProperty("op").GetString(), message.Op);
            Assert.Equal(expect.GetProperty("ref").GetString(), message.Ref);
            answer = valid
                ? JsonSerializer.SerializeToElement(new { results = message.Results }, Contracts.Events.ContractJson.Options)
                : message.Problem!.Value;
            if (!valid)
            {
                Assert.Equal(expect.GetProperty("status").GetInt32(), answer.GetProperty("status").GetInt32());
            }
        }

        if (valid)
        {
            Assert.Equal(Normalize(expect.GetProperty("results")), Normalize(answer.GetProperty("results")));
            return;
        }

        Assert.Equal(expect.GetProperty("problemType").GetString(), answer.GetProperty("type").GetString());
        var named = answer.TryGetProperty("invalidEvents", out var invalid)
            ? invalid.EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("id").GetString(), e.GetProperty("field").GetString())).ToList()
            : [];
        var expected = expect.GetProperty("invalidEvents").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("id").GetString(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal(expected, named);
        foreach (var callId in json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("callId").GetString()!).Distinct())
        {
            using var read = await viewer.GetAsync($"/api/v1/calls/{Uri.EscapeDataString(callId)}/events", cts.Token);
            var stored = read.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(await read.Content.ReadAsStringAsync(cts.Token)).RootElement.GetProperty("events").GetArrayLength() : 0;
            Assert.Equal(expect.GetProperty("stored").GetInt32(), stored);
        }
    }

    private static string Normalize(JsonElement element) => JsonSerializer.Serialize(element);
}
