using System.Buffers;
using System.Text.Json;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Events;
using Switchboard.Sdk.Commands;
using Switchboard.Sdk.Internal;
using Switchboard.Sdk.Tests.Infrastructure;

namespace Switchboard.Sdk.Tests.Unit;

/// <summary>The SDK reads every server-to-client vector of tests/protocol-vectors as the vector says.</summary>
public sealed class ProtocolVectorTests : IAsyncLifetime
{
    private readonly SwitchboardClient _client = OfflineClient.Create();

    public static TheoryData<string> ServerToClient() => Vectors("server-to-client");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Theory]
    [MemberData(nameof(ServerToClient))]
    public void The_sdk_reads_the_vector_as_it_says(string file)
    {
        using var vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, file)));
        var root = vector.RootElement;
        var json = root.GetProperty("json");
        var expect = root.GetProperty("expect");
        switch (root.GetProperty("frame").GetString())
        {
            case "http-ack":
                AssertResults(json.Deserialize<BatchAck>(ContractJson.Options)!.Results, expect);
                break;
            case "socket-ack":
                var message = json.Deserialize<AgentMessage>(ContractJson.Options)!;
                Assert.Equal(expect.GetProperty("op").GetString(), message.Op);
                Assert.Equal(expect.GetProperty("ref").GetString(), message.Ref);
                if (message.Op == AgentOps.Ack)
                {
                    AssertResults(message.Results!, expect);
                }
                else
                {
                    AssertProblem(ProblemReader.Classify(message.Problem ?? default), expect);
                }

                break;
            case "problem":
                AssertProblem(ProblemReader.Classify(json, json.GetProperty("status").GetInt32()), expect);
                break;
            case "socket-command":
                ReadCommand(json.Deserialize<AgentMessage>(ContractJson.Options)!, root.GetProperty("valid").GetBoolean(), expect);
                break;
            default:
                Assert.Fail($"{file}: no server-to-client frame {root.GetProperty("frame")}");
                break;
        }
    }

    private void ReadCommand(AgentMessage message, bool valid, JsonElement expect)
    {
        if (!valid)
        {
            // A command the client cannot acknowledge is ignored, also while its call is open.
            using var open = _client.OpenCall("RM_vector5");
            Assert.Null(Record.Exception(() => _client.DeliverCommand(message.Command!)));
            return;
        }

        var raw = message.Command!;
        using var call = _client.OpenCall(raw.CallId);
        var command = CommandParser.Parse(raw, call);
        var data = expect.GetProperty("data");
        Assert.Equal(expect.GetProperty("commandId").GetString(), command.CommandId);
        Assert.Equal(expect.GetProperty("type").GetString(), command.Type);
        Assert.Equal(expect.GetProperty("callId").GetString(), command.CallId);
        Dictionary<string, object?> read = command switch
        {
            GuideCommand guide => new() { ["text"] = guide.Text },
            SayCommand say => new() { ["text"] = say.Text },
            ResumeCommand resume => new() { ["summary"] = resume.Summary, ["unmuteSelf"] = resume.UnmuteSelf },
            EndCommand end => new() { ["reason"] = end.Reason },
            TransferCommand transfer => new() { ["destination"] = transfer.Destination },
            EscalationAnswerCommand answer => new() { ["requestId"] = answer.RequestId, ["outcome"] = answer.Outcome, ["reason"] = answer.Reason },
            _ => [],
        };
        foreach (var (name, value) in read)
        {
            object? sent = !data.TryGetProperty(name, out var wire) ? null
                : wire.ValueKind is JsonValueKind.True or JsonValueKind.False ? wire.GetBoolean() : wire.GetString();
            Assert.Equal(sent, value);
        }

        var ack = expect.GetProperty("ack");
        var ok = ack.GetProperty("data").GetProperty("ok").GetBoolean();
        var queued = new CommandAckedEvent(call, DateTimeOffset.UtcNow.UtcTicks, command.CommandId, ok ? null : "not handled") { Number = 1 };
        var envelope = JsonSerializer.Deserialize<EventEnvelope>(queued.Serialize(new ArrayBufferWriter<byte>()), ContractJson.Options)!;
        Assert.Equal(ack.GetProperty("id").GetString(), envelope.Id);
        Assert.Equal(ack.GetProperty("type").GetString(), envelope.Type);
        Assert.Equal(ack.GetProperty("callId").GetString(), envelope.CallId);
        Assert.Equal(ok, envelope.Data.GetProperty("ok").GetBoolean());
    }

    private static void AssertResults(IReadOnlyList<EventAck> results, JsonElement expect)
    {
        Assert.Equal(expect.GetProperty("acknowledged").EnumerateArray().Select(e => e.GetString()), results.Select(r => r.Id));
        Assert.Equal(expect.GetProperty("seqs").EnumerateArray().Select(e => e.GetInt64()), results.Select(r => r.Seq));
        Assert.Equal(expect.GetProperty("duplicates").EnumerateArray().Select(e => e.GetString()), results.Where(r => r.Duplicate).Select(r => r.Id));
    }

    private static void AssertProblem(BatchOutcome outcome, JsonElement expect)
    {
        var indexes = expect.GetProperty("invalidIndexes").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var retry = expect.GetProperty("retry").GetBoolean();
        Assert.Equal(retry, outcome.Kind == OutcomeKind.Retry);
        Assert.Equal(indexes, outcome.InvalidIndexes ?? []);
    }

    private static string Directory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Switchboard.slnx")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("Switchboard.slnx"), "tests", "protocol-vectors");
        }
    }

    private static TheoryData<string> Vectors(string direction)
    {
        var data = new TheoryData<string>();
        foreach (var path in System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal))
        {
            using var vector = JsonDocument.Parse(File.ReadAllText(path));
            if (vector.RootElement.GetProperty("direction").GetString() == direction)
            {
                data.Add(Path.GetFileName(path));
            }
        }

        return data;
    }
}
