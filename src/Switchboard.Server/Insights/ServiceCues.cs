using System.Globalization;
using System.Reflection;

namespace Switchboard.Server.Insights;

/// <summary>
/// The customer-service constructions of <c>Data/service_cues.txt</c> as a phrase table over tokens:
/// phrases are indexed by the tokens they can start with, so an utterance costs one dictionary
/// lookup per token plus a check of the few phrases that start there.
/// </summary>
public sealed class ServiceCues
{
    private static readonly Lazy<ServiceCues> Shared = new(() => Parse(ReadEmbedded()));

    private static readonly HashSet<string> NumberWords = new(StringComparer.Ordinal)
    {
        "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen",
        "twenty", "thirty", "forty", "fifty", "sixty", "ninety", "hundred", "several", "many", "few", "couple",
    };

    private readonly Dictionary<string, List<Phrase>> _byFirst;
    private readonly List<Phrase> _numberFirst;

    private ServiceCues(List<Phrase> phrases, List<string> families)
    {
        Phrases = phrases;
        Families = families;
        _byFirst = new Dictionary<string, List<Phrase>>(StringComparer.Ordinal);
        _numberFirst = [];
        foreach (var phrase in phrases)
        {
            // A phrase can start at any of its leading optional slots or the first required one.
            foreach (var slot in phrase.Slots)
            {
                if (slot.Number)
                {
                    _numberFirst.Add(phrase);
                }

                foreach (var word in slot.Words ?? [])
                {
                    if (!_byFirst.TryGetValue(word, out var list))
                    {
                        _byFirst[word] = list = [];
                    }

                    if (!list.Contains(phrase))
                    {
                        list.Add(phrase);
                    }
                }

                if (!slot.Optional)
                {
                    break;
                }
            }
        }
    }

    /// <summary>The shipped table.</summary>
    public static ServiceCues Default => Shared.Value;

    /// <summary>Every phrase, in file order.</summary>
    public IReadOnlyList<Phrase> Phrases { get; }

    /// <summary>The families' names, in order of first appearance; <see cref="Phrase.Family"/> indexes this.</summary>
    public IReadOnlyList<string> Families { get; }

    /// <summary>One slot: a set of words, a number, or any token; possibly optional.</summary>
    public sealed record Slot(HashSet<string>? Words, bool Number, bool Any, bool Optional)
    {
        public bool Accepts(string token) => Any || (Number ? IsNumber(token) : Words!.Contains(token));
    }

    /// <summary>One construction: its slots, the valence it adds, its family, and whether it is tied to the start or end.</summary>
    public sealed record Phrase(Slot[] Slots, double Valence, int Family, bool Conditional, bool AtStart, bool AtEnd, string Text);

    /// <summary>One occurrence: which phrase, at which tokens.</summary>
    public readonly record struct Match(Phrase Phrase, int Start, int End);

    /// <summary>
    /// The constructions in <paramref name="tokens"/> (lower case, apostrophes removed; empty for what is
    /// not a word of the text, such as an @-addressee). Within a family,
    /// occurrences do not overlap; the first phrase (in file order) that matches at a token wins.
    /// </summary>
    public List<Match> Find(string[] tokens)
    {
        var found = new List<Match>();
        Span<int> familyEnd = stackalloc int[Families.Count];
        // Empty tokens (an addressee, a link) are outside the text: ^ and $ are its first and last words.
        var (first, last) = (0, tokens.Length);
        while (first < last && tokens[first].Length == 0)
        {
            first++;
        }

        while (last > first && tokens[last - 1].Length == 0)
        {
            last--;
        }

        for (var i = first; i < last; i++)
        {
            if (_byFirst.TryGetValue(tokens[i], out var candidates))
            {
                Try(candidates, tokens, i, first, last, familyEnd, found);
            }

            if (_numberFirst.Count > 0 && IsNumber(tokens[i]))
            {
                Try(_numberFirst, tokens, i, first, last, familyEnd, found);
            }
        }

        return found;
    }

    private static void Try(List<Phrase> candidates, string[] tokens, int start, int first, int last, Span<int> familyEnd, List<Match> found)
    {
        foreach (var phrase in candidates)
        {
            if (start < familyEnd[phrase.Family] || (phrase.AtStart && start != first))
            {
                continue;
            }

            var end = MatchFrom(phrase, 0, tokens, start, start, last);
            if (end > start)
            {
                familyEnd[phrase.Family] = end;
                found.Add(new Match(phrase, start, end));
            }
        }
    }

    /// <summary>The token index after the phrase's slots from <paramref name="slot"/> on, matched at <paramref name="at"/>; -1 if they do not match.</summary>
    private static int MatchFrom(Phrase phrase, int slot, string[] tokens, int at, int start, int last)
    {
        if (slot == phrase.Slots.Length)
        {
            return at > start && (!phrase.AtEnd || at == last) ? at : -1;
        }

        var current = phrase.Slots[slot];
        if (at < last && current.Accepts(tokens[at]))
        {
            var end = MatchFrom(phrase, slot + 1, tokens, at + 1, start, last);
            if (end >= 0)
            {
                return end;
            }
        }

        return current.Optional ? MatchFrom(phrase, slot + 1, tokens, at, start, last) : -1;
    }

    private static bool IsNumber(string token) => NumberWords.Contains(token) || (token.Length > 0 && token.All(char.IsAsciiDigit));

    /// <summary>The token as phrases spell it: lower case without apostrophes.</summary>
    public static string Normalise(string lower) => lower.Contains('\'') || lower.Contains('’') ? lower.Replace("'", "", StringComparison.Ordinal).Replace("’", "", StringComparison.Ordinal) : lower;

    /// <summary>Reads a table in the file's format; a line that cannot be read is an error naming it.</summary>
    public static ServiceCues Parse(IEnumerable<string> lines)
    {
        var phrases = new List<Phrase>();
        var families = new List<string>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length != 3 || !double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var valence))
            {
                throw new InvalidDataException($"service_cues.txt line {number}: expected 'valence TAB family TAB phrase'.");
            }

            var conditional = fields[1].EndsWith('?');
            var family = fields[1].TrimEnd('?');
            if (!families.Contains(family))
            {
                families.Add(family);
            }

            var text = fields[2].Trim();
            var atStart = text.StartsWith('^');
            var atEnd = text.EndsWith('$');
            var slots = new List<Slot>();
            foreach (var part in text.Trim('^', '$').Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var optional = part.EndsWith('?');
                var body = part.TrimEnd('?');
                if (body.StartsWith('(') != body.EndsWith(')') || body.Trim('(', ')').Contains('(') || body.Trim('(', ')').Contains(')'))
                {
                    throw new InvalidDataException($"service_cues.txt line {number}: '{part}' is not a word or a (one|of|these) slot; alternatives are single words.");
                }

                slots.Add(body switch
                {
                    "#n" => new Slot(null, Number: true, Any: false, optional),
                    "*" => new Slot(null, Number: false, Any: true, optional),
                    _ => new Slot(body.Trim('(', ')').Split('|').ToHashSet(StringComparer.Ordinal), Number: false, Any: false, optional),
                });
            }

            if (slots.Count == 0 || slots.All(s => s.Optional) || slots[0].Any)
            {
                throw new InvalidDataException($"service_cues.txt line {number}: a phrase needs a required slot and cannot start with *.");
            }

            phrases.Add(new Phrase([.. slots], valence, families.IndexOf(family), conditional, atStart, atEnd, text));
        }

        return new ServiceCues(phrases, families);
    }

    private static IEnumerable<string> ReadEmbedded()
    {
        const string name = "Switchboard.Server.Insights.Data.service_cues.txt";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidDataException($"The embedded data file {name} is missing.");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
