using System.Globalization;

namespace Switchboard.Bench.Sentiment;

/// <summary>
/// Sentiment benchmark: the delay from a customer transcript's commit to its sentiment.scored under
/// load from many concurrent calls (posting over HTTP, or with --simulator the call simulator over
/// the agent WebSocket), then utterances scored per second on one core.
/// With --accuracy it prints instead each classifier's accuracy and macro-F1 on the labelled sets (see <see cref="Accuracy"/>).
/// Usage: dotnet run -c Release --project bench/Switchboard.Bench.Sentiment -- [--accuracy [--onnx MODEL --onnx-labels L,L,L] [--llm-url URL --llm-model M] [--errors N]] [--calls 500] [--seconds 30] [--turn-ms 2000] [--score-seconds 10] [--data DIR] [--simulator]
/// </summary>
internal static class SentimentBench
{
    public static async Task Main(string[] args)
    {
        var settings = BenchSettings.Parse(args);
        var utterances = Utterances.Load(Path.Combine(AppContext.BaseDirectory, "data"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Switchboard sentiment benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
        Console.WriteLine($"{utterances.Count} utterances from tests/data/sentiment");
        if (args.Contains("--accuracy"))
        {
            await Accuracy.RunAsync(args, Path.Combine(AppContext.BaseDirectory, "data"));
            return;
        }

        // The delays first: the throughput run pins the process to one core for good.
        if (settings.Simulator)
        {
            await SimulatorLoadDelay.RunAsync(settings);
        }
        else
        {
            await CommitToScoredDelay.RunAsync(settings, utterances);
        }

        ScoringThroughput.Run(settings, utterances);
    }
}
