namespace Switchboard.Simulation;

/// <summary>
/// Latency draws for a voice pipeline. Stage latencies are log-normal (a long right tail, as
/// measured in production voice agents); medians are typical of a cloud STT/LLM/TTS pipeline.
/// </summary>
internal static class Latency
{
    public static double LogNormal(Random random, double median, double sigma)
    {
        // Box–Muller for a standard normal draw.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        return Math.Round(median * Math.Exp(sigma * normal), 1);
    }

    public static double Between(Random random, double min, double max) => min + (random.NextDouble() * (max - min));

    public static double EndOfUtterance(Random random) => LogNormal(random, 480, 0.35);

    public static double Stt(Random random) => LogNormal(random, 170, 0.3);

    public static double LlmTtft(Random random) => LogNormal(random, 430, 0.45);

    public static double TtsTtfb(Random random) => LogNormal(random, 210, 0.3);

    public static double PerToken(Random random) => LogNormal(random, 18, 0.25);

    /// <summary>Seconds to say <paramref name="text"/> at a conversational pace (about 2.6 words a second).</summary>
    public static double SpeakingSeconds(Random random, string text)
    {
        var words = Math.Max(1, text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        return Math.Max(0.8, (words / 2.6) * Between(random, 0.85, 1.2));
    }
}
