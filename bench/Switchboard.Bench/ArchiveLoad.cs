using System.Diagnostics;
using Microsoft.Extensions.Options;
using Switchboard.Server.Archive;
using Switchboard.Server.Storage;

namespace Switchboard.Bench;

/// <summary>
/// The archive at scale: fills a SQLite archive (or a PostgreSQL one) with synthetic summaries
/// of calls spread over 60 days, then times the 30-day analytics summary grouped by day and
/// past-call text searches, as the endpoints run them.
/// </summary>
internal static class ArchiveLoad
{
    private static readonly string[] Agents = ["greeter", "sales", "support", "billing", "returns", "retention", "claims", "booking", "survey", "triage"];
    private static readonly string[] Reasons = ["completed", "completed", "completed", "caller_hangup", "transferred", "agent_error"];
    private static readonly string[] Stages = ["endOfUtterance", "stt", "llmFirstToken", "ttsFirstByte", "endToEnd"];

    public static async Task RunAsync(ICallArchive archive, int calls, int queries)
    {
        var rng = new Random(7);
        var start = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);
        var span = TimeSpan.FromDays(60);
        var vocabulary = Enumerable.Range(0, 2000).Select(i => "word" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            var startedAt = start + TimeSpan.FromTicks(span.Ticks / calls * i);
            var handle = 30 + rng.Next(570);
            var agent = Agents[rng.Next(Agents.Length)];
            var latency = Stages.ToDictionary(s => s, _ => Histogram.Of(Enumerable.Range(0, 8).Select(_ => 100.0 + rng.Next(2000))));
            var summary = new CallSummary
            {
                CallId = $"call-{i:D7}",
                LastSeq = 40,
                AgentName = agent,
                Personas = [agent],
                StartedAt = startedAt,
                EndedAt = startedAt.AddSeconds(handle),
                EndReason = Reasons[rng.Next(Reasons.Length)],
                HandleSeconds = handle,
                TalkSeconds = new Dictionary<string, double> { ["customer"] = handle * 0.4, ["agent"] = handle * 0.45 },
                Contained = rng.Next(5) > 0,
                Sentiment = new SentimentFigures(0, 0, -0.5, Math.Round((rng.NextDouble() * 2) - 1, 3)),
                Cost = new CostFigures(Math.Round(rng.NextDouble() / 10, 6)),
                LatencyBuckets = latency,
            };
            var transcript = string.Join(' ', Enumerable.Range(0, 40).Select(_ => vocabulary[rng.Next(vocabulary.Length)]));
            await archive.SaveAsync(summary, transcript, CancellationToken.None);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"archive: {calls:N0} summaries stored in {seconds:F1} s ({calls / seconds:N0}/s, one transaction each, rollups kept)");

        var from = start.AddDays(15);
        var to = from.AddDays(30);
        var summaries = new Percentiles();
        AnalyticsSummary? last = null;
        for (var i = 0; i < queries; i++)
        {
            var t = Stopwatch.GetTimestamp();
            last = AnalyticsEndpoints.Summarize(await AnalyticsEndpoints.RollupsAsync(archive, "day", from, to, CancellationToken.None), "day", from, to);
            summaries.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        var searches = new Percentiles();
        var found = 0;
        for (var i = 0; i < queries; i++)
        {
            var word = vocabulary[rng.Next(vocabulary.Length)];
            var t = Stopwatch.GetTimestamp();
            found += (await archive.QueryAsync(new PastCallQuery(new PastCallFilters(Q: word), Limit: 100), CancellationToken.None)).Count;
            searches.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        Console.WriteLine($"archive: 30-day summary grouped by day over {last!.Total.Calls:N0} calls ({last.Groups.Count} days): p50 {summaries.At(50):F1} ms, p99 {summaries.At(99):F1} ms ({queries} queries)");
        Console.WriteLine($"archive: past-call text search (one word in ~2 % of calls, newest 100): p50 {searches.At(50):F1} ms, p99 {searches.At(99):F1} ms ({queries} queries, {found / queries} calls per answer)");
    }

    public static ICallArchive Sqlite(string directory) =>
        new SqliteCallArchive(new SqliteConnectionFactory(Options.Create(new StorageOptions { DataDirectory = directory })));
}
