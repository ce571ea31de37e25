using BenchmarkDotNet.Attributes;

namespace Switchboard.Sdk.Benchmarks;

/// <summary>
/// The cost of one report call on the agent's thread. The server is unreachable, so the buffer
/// is full and every report also evicts the oldest event: the most expensive path there is.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ReportBenchmarks
{
    private SwitchboardClient _client = null!;
    private CallReporter _call = null!;
    private TurnMetrics _metrics;

    [GlobalSetup]
    public void Setup()
    {
        _client = new SwitchboardClient(new SwitchboardClientOptions
        {
            ServerUrl = new Uri("http://127.0.0.1:9/"),
            ApiKey = "sbk_benchmark",
            ReconnectDelayMin = TimeSpan.FromMinutes(1),
            ReconnectDelayMax = TimeSpan.FromMinutes(1),
            ShutdownTimeout = TimeSpan.Zero,
        });
        _call = _client.OpenCall("SIM-bench-00000");
        _metrics = new TurnMetrics { TurnId = "t1", EndOfUtteranceMs = 480, SttMs = 170, LlmTtftMs = 430, LlmTotalMs = 900, TtsTtfbMs = 210, E2eMs = 1120, PromptTokens = 900, CompletionTokens = 40, Model = "gpt-4o-mini" };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _call.Dispose();
        _client.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public void AgentState() => _call.AgentStateChanged(Sdk.AgentState.Thinking);

    [Benchmark]
    public void FinalTranscript() => _call.FinalTranscript(Speaker.Customer, "seg-1", "Hi, are you open on Sundays?");

    [Benchmark]
    public void InterimTranscript() => _call.InterimTranscript(Speaker.Customer, "seg-1", "Hi, are you");

    [Benchmark]
    public void TurnMetrics() => _call.TurnMetrics(_metrics);

    [Benchmark]
    public void ToolCalled() => _call.ToolCalled("call_1", "faq_lookup", "{\"topic\":\"hours\"}");
}
