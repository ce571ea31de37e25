using System.Globalization;
using System.Reflection;

namespace Switchboard.Server.Insights;

/// <summary>
/// The published VADER data: the human-rated lexicon (word or emoticon → mean valence, -4 … 4),
/// the emoji descriptions, and the modifier words (negations, boosters and dampeners, idioms).
/// Shipped as embedded data files under VADER's MIT licence (Insights/Data/LICENSE-VADER.txt).
/// </summary>
public sealed class VaderLexicon
{
    private static readonly Lazy<VaderLexicon> Shared = new(Load);

    private VaderLexicon(
        Dictionary<string, double> valences,
        Dictionary<string, string> emoji,
        HashSet<string> negations,
        Dictionary<string, double> degrees,
        Dictionary<string, double> idioms)
    {
        Valences = valences;
        Emoji = emoji;
        Negations = negations;
        Degrees = degrees;
        Idioms = idioms;
        DegreePhrases = degrees.GetAlternateLookup<ReadOnlySpan<char>>();
        IdiomPhrases = idioms.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The lexicon loaded once from the embedded data files.</summary>
    public static VaderLexicon Default => Shared.Value;

    /// <summary>Lower-case token → mean human valence rating.</summary>
    public IReadOnlyDictionary<string, double> Valences { get; }

    /// <summary>One emoji (a single code point) → its textual description.</summary>
    public IReadOnlyDictionary<string, string> Emoji { get; }

    /// <summary>Words that negate a following lexicon word.</summary>
    public IReadOnlySet<string> Negations { get; }

    /// <summary>Booster (positive) and dampener (negative) scalars, including two-word ones such as "kind of".</summary>
    public IReadOnlyDictionary<string, double> Degrees { get; }

    /// <summary>Phrases whose valence replaces that of the lexicon word inside them.</summary>
    public IReadOnlyDictionary<string, double> Idioms { get; }

    /// <summary><see cref="Degrees"/> looked up by a phrase built in a buffer, without making a string of it.</summary>
    internal Dictionary<string, double>.AlternateLookup<ReadOnlySpan<char>> DegreePhrases { get; }

    /// <summary><see cref="Idioms"/> looked up by a phrase built in a buffer.</summary>
    internal Dictionary<string, double>.AlternateLookup<ReadOnlySpan<char>> IdiomPhrases { get; }

    private static VaderLexicon Load()
    {
        var valences = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var fields in ReadRows("vader_lexicon.txt", comments: false))
        {
            // Later rows win, as in the published loader (the file repeats a few tokens).
            valences[fields[0]] = Parse(fields[1]);
        }

        var emoji = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var fields in ReadRows("emoji_utf8_lexicon.txt", comments: false))
        {
            emoji[fields[0]] = fields[1];
        }

        var negations = new HashSet<string>(StringComparer.Ordinal);
        var degrees = new Dictionary<string, double>(StringComparer.Ordinal);
        var idioms = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var fields in ReadRows("vader_modifiers.txt", comments: true))
        {
            switch (fields[0])
            {
                case "negation":
                    negations.Add(fields[1]);
                    break;
                case "degree":
                    degrees[fields[1]] = Parse(fields[2]);
                    break;
                case "idiom":
                    idioms[fields[1]] = Parse(fields[2]);
                    break;
                default:
                    throw new InvalidDataException($"vader_modifiers.txt: unknown kind '{fields[0]}'.");
            }
        }

        return new VaderLexicon(valences, emoji, negations, degrees, idioms);
    }

    private static IEnumerable<string[]> ReadRows(string file, bool comments)
    {
        var name = "Switchboard.Server.Insights.Data." + file;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidDataException($"The embedded data file {name} is missing.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || (comments && line.StartsWith('#')))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length < 2)
            {
                throw new InvalidDataException($"{file}: malformed row '{line}'.");
            }

            yield return fields;
        }
    }

    private static double Parse(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
}
