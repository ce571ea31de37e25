using System.Globalization;

namespace Switchboard.Bench.Sentiment;

/// <summary>
/// Sentiment benchmark: the delay from a customer transcript's commit to its sentiment.scored under
/// load from many concurrent calls, then utterances scored per second on one core.
/// Usage: dotnet run -c Release --project bench/Switchboard.Bench.Sentiment -- [--calls 500] [--seconds 30] [--turn-ms 2000] [--score-seconds 10] [--data DIR]
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

        // The delay first: the throughput run pins the process to one core for good.
        await CommitToScoredDelay.RunAsync(settings, utterances);
        ScoringThroughput.Run(settings, utterances);
    }
}
