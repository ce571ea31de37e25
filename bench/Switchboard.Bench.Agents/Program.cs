// The reference agents' own cost per turn: everything a turn does except waiting for the model.
// A real server process receives every report through the SDK; the model answers instantly
// (in process, so no HTTP is timed), or (--http) a double of an OpenAI-compatible endpoint on
// loopback, where the model's share is measured by the runtime and subtracted.
//   dotnet run -c Release --project bench/Switchboard.Bench.Agents -- [--turns N] [--calls N] [--http]
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Switchboard.Agents.Runtime;
using Switchboard.Sdk;
using Switchboard.Testing;
using Switchboard.Testing.OpenAiCompatible;

var turns = Option("--turns", 3000);
var calls = Option("--calls", 20);
var http = args.Contains("--http");
var data = Path.Combine(Path.GetTempPath(), "switchboard-bench-agents", Guid.NewGuid().ToString("N"));
using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
var key = await ServerProcess.CreateKeyAsync(data, ServerSettings.Tests, "agent", "bench", setup.Token);
using var server = await ServerProcess.StartAsync(data, setup.Token);
await using var model = http ? await OpenAiCompatibleDouble.StartAsync(Reply) : null;
try
{
    await using var client = new SwitchboardClient(new SwitchboardClientOptions { ServerUrl = server.BaseAddress, ApiKey = key, MaxQueuedEvents = 200_000, MaxBatchEvents = 1000 });
    var options = new LlmOptions { BaseUrl = model?.BaseUrl ?? new Uri("http://127.0.0.1:9/v1/"), Model = "instant", ApiKey = "bench" };
    var llm = http ? LlmRouter.ForOpenAiCompatible(options) : new LlmRouter([("instant", new InstantModel())], options);
    var runtime = new AgentRuntime(PersonaSet.Load("salon"), llm, knowledge: null, new AgentOptions { OneMomentAfter = TimeSpan.FromMinutes(1) });
    var link = new MeasuringLink();
    var sessions = new List<AgentSession>();
    for (var c = 0; c < calls; c++)
    {
        var callId = $"BENCH_agent_{c}_{Guid.NewGuid():N}"[..40];
        var session = runtime.OpenSession(new Tee(new SwitchboardCallLink(client.OpenCall(callId)), link), SilentOutput.Instance);
        await session.StartAsync(new CallDetails { RoomName = callId, Direction = CallDirection.Web }, "bench-caller", setup.Token);
        sessions.Add(session);
    }

    Console.WriteLine($"{turns:N0} turns over {calls} calls, model: {(http ? "HTTP double on loopback" : "instant, in process")}; half the turns call a tool first (two model rounds)");
    var warmup = Math.Min(500, turns / 5);
    var own = new List<double>(turns);
    var total = new List<double>(turns);
    for (var i = 0; i < turns + warmup; i++)
    {
        var session = sessions[i % calls];
        var line = i % 2 == 0 ? "My name is Dana, please note it." : "What time do you open on Saturday?";
        link.Reset();
        var started = Stopwatch.GetTimestamp();
        await session.CallerSaysAsync(line, CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (i >= warmup)
        {
            total.Add(elapsed);
            own.Add(Math.Max(0, elapsed - (http ? link.LastLlmMs : 0)));
        }
    }

    foreach (var session in sessions)
    {
        await session.DisposeAsync();
    }

    await client.FlushAsync(CancellationToken.None);
    Console.WriteLine($"turn, everything:          p50 {P(total, 50)} ms  p99 {P(total, 99)} ms  max {P(total, 100)} ms");
    Console.WriteLine($"turn, without the model:   p50 {P(own, 50)} ms  p99 {P(own, 99)} ms  max {P(own, 100)} ms");
    Console.WriteLine($"events acknowledged by the server: {client.Statistics.Acknowledged:N0}, dropped {client.Statistics.DroppedDurable + client.Statistics.DroppedEphemeral}");
}
finally
{
    server.Dispose();
    ServerProcess.DeleteDataDirectory(data);
}

return 0;

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static string P(List<double> values, double percentile)
{
    var sorted = values.Order().ToList();
    var index = Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1);
    return sorted[index].ToString("0.000", CultureInfo.InvariantCulture);
}

static ChatReply Reply(ChatRequest request) =>
    request.Messages[^1].Role == "user" && request.LastUserText!.Contains("name", StringComparison.Ordinal)
        ? ChatReply.Call("record_detail", new { name = "name", value = "Dana" })
        : ChatReply.Say("We open at nine on Saturday, and close at seven.");

/// <summary>A model that answers at once: a tool call when the caller gives a name, else a sentence in four chunks.</summary>
internal sealed class InstantModel : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        var last = messages.Last();
        if (last.Role == ChatRole.User && last.Text.Contains("name", StringComparison.Ordinal))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("call_" + Guid.NewGuid().ToString("N")[..8], "record_detail", new Dictionary<string, object?> { ["name"] = "name", ["value"] = "Dana" })]) { ModelId = "instant" };
        }
        else
        {
            foreach (var chunk in new[] { "We open ", "at nine ", "on Saturday, ", "and close at seven." })
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ModelId = "instant" };
            }
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 300, OutputTokenCount = 12 })]) { ModelId = "instant" };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>Keeps the model's time of the last turn, as the runtime measured it.</summary>
internal sealed class MeasuringLink
{
    public double LastLlmMs { get; private set; }

    public void Reset() => LastLlmMs = 0;

    public void Turn(in TurnMetrics metrics) => LastLlmMs = metrics.LlmTotalMs ?? 0;
}

/// <summary>Reports to Switchboard and lets the benchmark read each turn's model time.</summary>
internal sealed class Tee(ICallLink inner, MeasuringLink measure) : DelegatingCallLink(inner)
{
    public override void Turn(in TurnMetrics metrics)
    {
        measure.Turn(metrics);
        base.Turn(metrics);
    }
}
