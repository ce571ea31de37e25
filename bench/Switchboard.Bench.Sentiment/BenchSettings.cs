using System.Globalization;

namespace Switchboard.Bench.Sentiment;

/// <summary>Command-line settings of the benchmark.</summary>
internal sealed record BenchSettings(int Calls, int Seconds, int TurnMilliseconds, int ScoreSeconds, string DataRoot, bool Simulator)
{
    public static BenchSettings Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        var data = Array.IndexOf(args, "--data");
        var root = data >= 0 && data + 1 < args.Length ? args[data + 1] : Path.GetTempPath();
        return new BenchSettings(Get("--calls", 500), Get("--seconds", 30), Get("--turn-ms", 2000), Get("--score-seconds", 10), root, args.Contains("--simulator"));
    }
}
