using System.Diagnostics;
using System.Globalization;
using Switchboard.Server.Insights;

namespace Switchboard.Bench.Sentiment;

/// <summary>
/// The embedded models on one core: the process is pinned to one CPU and one thread scores in a
/// loop, first with the default (VADER with the customer-service constructions), then with VADER
/// alone, each for <c>--score-seconds</c>.
/// </summary>
internal static class ScoringThroughput
{
    public static void Run(BenchSettings settings, IReadOnlyList<string> utterances)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
        {
            Process.GetCurrentProcess().ProcessorAffinity = 1;
        }

        var vader = new VaderSentiment();
        var service = new ServiceSentiment(vader, ServiceCues.Default);
        Measure($"{ServiceSentiment.ModelName} (the default)", settings, utterances, t => service.Score(t).Compound);
        Measure("VADER alone (vader-3.3.2)", settings, utterances, t => vader.Score(t).Compound);
    }

    private static void Measure(string name, BenchSettings settings, IReadOnlyList<string> utterances, Func<string, double> score)
    {
        var sink = 0.0;
        for (var round = 0; round < 3; round++)
        {
            foreach (var text in utterances)
            {
                sink += score(text); // warm-up: data load and JIT to its last tier
            }
        }

        var scored = 0L;
        var characters = 0L;
        var stopwatch = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(settings.ScoreSeconds);
        while (stopwatch.Elapsed < budget)
        {
            foreach (var text in utterances)
            {
                sink += score(text);
                characters += text.Length;
            }

            scored += utterances.Count;
        }

        stopwatch.Stop();
        var perSecond = scored / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"{name} scoring, one thread pinned to one core");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  utterances scored    {scored:N0} in {stopwatch.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  utterances/s         {perSecond:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  mean per utterance   {1e6 / perSecond:0.0} µs ({characters / (double)scored:0} characters on average)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (checksum {sink:0.0})"));
    }
}
