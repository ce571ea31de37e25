using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Redaction;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Archive;

/// <summary>
/// The transcript lines a past-call search matched, with the matched words marked, so a reader
/// sees why each call was found. The full-text indexes stem words; a word here matches a searched
/// word when one begins with the other's stem (the word less a plural or tense ending), which marks
/// what the index matched in all but rare cases (docs/ARCHIVE.md).
/// </summary>
public static class TranscriptHits
{
    /// <summary>Calls of one page whose lines are looked up (the first ones, newest first).</summary>
    public const int MaxCalls = 50;

    /// <summary>Lines shown per call.</summary>
    public const int MaxLines = 3;

    private static readonly string[] Endings = ["ing", "ed", "es", "s"];

    /// <summary>The searched words' stems.</summary>
    public static IReadOnlyList<string> Stems(string q) =>
        [.. Knowledge.QuestionSimilarity.Words(q).Take(32).Select(Stem).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>The marked words of one line: start and length of each word that matches a stem.</summary>
    public static IReadOnlyList<HitMark> Marks(string line, IReadOnlyList<string> stems)
    {
        var marks = new List<HitMark>();
        var i = 0;
        while (i < line.Length)
        {
            if (!char.IsLetterOrDigit(line[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] == '\''))
            {
                i++;
            }

            var word = Stem(line[start..i].Replace("'", "", StringComparison.Ordinal).ToLowerInvariant());
            if (word.Length > 0 && stems.Any(s => Matches(word, s)))
            {
                marks.Add(new HitMark(start, i - start));
            }
        }

        return marks;
    }

    /// <summary>Up to <see cref="MaxLines"/> final transcript lines per call that match, read from the log and masked for the reader.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<TranscriptHit>>> FindAsync(
        IEventStore store, IEnumerable<string> callIds, string q, DisplayMask mask, CancellationToken cancellationToken)
    {
        var stems = Stems(q);
        var hits = new Dictionary<string, IReadOnlyList<TranscriptHit>>(StringComparer.Ordinal);
        if (stems.Count == 0)
        {
            return hits;
        }

        foreach (var callId in callIds.Take(MaxCalls))
        {
            // The final line of each segment as last sent, in order.
            var lines = new Dictionary<string, StoredEvent>(StringComparer.Ordinal);
            long after = 0;
            IReadOnlyList<StoredEvent> page;
            do
            {
                page = await store.ReadAsync(callId, after, 5000, cancellationToken);
                foreach (var e in page.Where(e => e.Type == EventTypes.TranscriptFinal))
                {
                    lines[e.Data.Str("segmentId") ?? e.Id] = e;
                }

                after = page.Count > 0 ? page[^1].Seq : after;
            }
            while (page.Count == 5000);

            var found = new List<TranscriptHit>();
            foreach (var e in lines.Values)
            {
                var text = mask.Text(e.Data.Str("text")) ?? "";
                if (Marks(text, stems) is { Count: > 0 } marks)
                {
                    found.Add(new TranscriptHit(e.Seq, e.At, e.Data.Str("speaker") ?? "", text, marks));
                    if (found.Count == MaxLines)
                    {
                        break;
                    }
                }
            }

            if (found.Count > 0)
            {
                hits[callId] = found;
            }
        }

        return hits;
    }

    private static bool Matches(string word, string stem) =>
        word.StartsWith(stem, StringComparison.Ordinal) ? word.Length - stem.Length <= 3 : stem.StartsWith(word, StringComparison.Ordinal) && stem.Length - word.Length <= 1 && word.Length >= 3;

    private static string Stem(string word)
    {
        foreach (var ending in Endings)
        {
            if (word.Length - ending.Length >= 3 && word.EndsWith(ending, StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal))
            {
                return word[..^ending.Length];
            }
        }

        return word;
    }
}

/// <summary>One transcript line a search matched: where it is in the log, who said it, and the marked words.</summary>
public sealed record TranscriptHit(long Seq, DateTimeOffset At, string Speaker, string Text, IReadOnlyList<HitMark> Marks);

/// <summary>A matched word in a line: its start and length in characters.</summary>
public sealed record HitMark(int Start, int Length);
