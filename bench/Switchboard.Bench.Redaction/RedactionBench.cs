using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Redaction;

namespace Switchboard.Bench.Redaction;

/// <summary>
/// Redaction benchmark: what masking personal data costs per customer utterance, on one thread
/// pinned to one core — looking at text that holds none (the ingest path of nearly every event),
/// the ingest step itself on transcript payloads as the SDK sends them, masking lines that hold
/// some, and what each call-stream viewer pays for an event masked once. It also lists which of
/// the shipped sentences were found to hold personal data, to show what is caught by mistake.
/// Usage: dotnet run -c Release --project bench/Switchboard.Bench.Redaction -- [--seconds 3]
/// </summary>
internal static class RedactionBench
{
    public static void Main(string[] args)
    {
        var i = Array.IndexOf(args, "--seconds");
        var budget = TimeSpan.FromSeconds(i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : 3);
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
        {
            Process.GetCurrentProcess().ProcessorAffinity = 1;
        }

        var corpus = Corpus.Load(Path.Combine(AppContext.BaseDirectory, "data"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Switchboard redaction benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores (pinned to one), .NET {Environment.Version}"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{corpus.Count:N0} sentences from tests/data/sentiment, {corpus.Average(s => s.Length):0} characters on average; {budget.TotalSeconds:0.#} s per figure"));

        var found = corpus.Where(s => PersonalDataScanner.Contains(s, PersonalDataKind.All)).ToList();
        Console.WriteLine();
        Console.WriteLine($"Sentences of the corpus found to hold personal data (every kind): {found.Count}");
        foreach (var s in found.Take(20))
        {
            Console.WriteLine($"  {PersonalDataScanner.Mask(s, PersonalDataKind.All)}");
        }

        var defaults = Redactor(new RedactionOptions());
        var everything = Redactor(new RedactionOptions { Card = "storage", Ssn = "storage", Phone = "storage", Email = "storage" });
        var plain = corpus.Except(found).ToList();
        var payloads = plain.Select(Corpus.Transcript).ToList();
        var withData = Corpus.WithPersonalData.Select(Corpus.Transcript).ToList();
        Console.WriteLine();
        Console.WriteLine("Per utterance, one thread on one core (CPU time of the process; wall time includes waiting for the core)");
        Console.WriteLine($"  {"",-58} {"cost",18} {"",-12} {"rate",12}        {"allocated",10}  found");
        Measure.Report("text without personal data, card only", plain, s => PersonalDataScanner.Contains(s, PersonalDataKind.Card), budget);
        Measure.Report("text without personal data, every kind", plain, s => PersonalDataScanner.Contains(s, PersonalDataKind.All), budget);
        Measure.Report("ingest: transcript payload, defaults (card before storage)", payloads, d => Changed(defaults, d), budget);
        Measure.Report("ingest: transcript payload, every kind before storage", payloads, d => Changed(everything, d), budget);
        Measure.Report("ingest: payload with personal data, every kind masked", withData, d => Changed(everything, d), budget);

        var mask = defaults.For(new ClaimsPrincipal(new ClaimsIdentity()));
        var plainEvents = payloads.Select(Event).ToList();
        var maskedEvents = withData.Select(Event).ToList();
        Measure.Report("display: history event without personal data (per reader)", plainEvents, e => !ReferenceEquals(mask.Event(e), e), budget);
        Measure.Report("display: history event with personal data (per reader)", maskedEvents, e => !ReferenceEquals(mask.Event(e), e), budget);
        Measure.Report("display: live event, masked once, per further viewer", maskedEvents, e => !ReferenceEquals(mask.LiveEvent(e), e), budget);
    }

    private static Redactor Redactor(RedactionOptions options) => new(Options.Create(options), NullLogger<Redactor>.Instance);

    // Compared by length of the raw bytes, which costs no allocation (a mask is never as long as what it hides, here).
    private static bool Changed(Redactor redactor, JsonElement data) =>
        JsonMarshal.GetRawUtf8Value(redactor.BeforeStorage("SIM_bench", EventTypes.TranscriptFinal, data)).Length != JsonMarshal.GetRawUtf8Value(data).Length;

    private static StoredEvent Event(JsonElement data, int i) =>
        new("SIM_bench", i + 1, "e" + i, EventTypes.TranscriptFinal, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, data);
}
