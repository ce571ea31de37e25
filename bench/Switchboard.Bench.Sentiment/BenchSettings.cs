using System.Globalization;

namespace Switchboard.Bench.Sentiment;

/// <summary>Command-line settings of the benchmark.</summary>
internal sealed record BenchSettings(int Calls, int Seconds, int TurnMilliseconds, int ScoreSeconds)
{
    public static BenchSettings Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return new BenchSettings(Get("--calls", 500), Get("--seconds", 30), Get("--turn-ms", 2000), Get("--score-seconds", 10));
    }
}
