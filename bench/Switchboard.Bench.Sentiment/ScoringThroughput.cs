using System.Diagnostics;
using System.Globalization;
using Switchboard.Server.Insights;

namespace Switchboard.Bench.Sentiment;

/// <summary>VADER on one core: the process is pinned to one CPU and one thread scores in a loop.</summary>
internal static class ScoringThroughput
{
    public static void Run(BenchSettings settings, IReadOnlyList<string> utterances)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
        {
            Process.GetCurrentProcess().ProcessorAffinity = 1;
        }

        var vader = new VaderSentiment();
        var sink = 0.0;
        foreach (var text in utterances)
        {
            sink += vader.Score(text).Compound; // warm-up: lexicon load and JIT
        }

        var scored = 0L;
        var characters = 0L;
        var stopwatch = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(settings.ScoreSeconds);
        while (stopwatch.Elapsed < budget)
        {
            foreach (var text in utterances)
            {
                sink += vader.Score(text).Compound;
                characters += text.Length;
            }

            scored += utterances.Count;
        }

        stopwatch.Stop();
        var perSecond = scored / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine("VADER scoring, one thread pinned to one core");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  utterances scored    {scored:N0} in {stopwatch.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  utterances/s         {perSecond:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  mean per utterance   {1e6 / perSecond:0.0} µs ({characters / (double)scored:0} characters on average)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (checksum {sink:0.0})"));
    }
}
