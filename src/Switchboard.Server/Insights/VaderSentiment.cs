namespace Switchboard.Server.Insights;

/// <summary>
/// VADER (Hutto and Gilbert, ICWSM 2014): a lexicon-and-rules sentiment method for short, informal
/// English. Each lexicon word's human-rated valence is adjusted by the words before it (boosters,
/// dampeners, negation within three words, "least", idioms), by capitals used for emphasis and by
/// the contrastive "but"; the sum is amplified by exclamation and question marks and normalised to
/// a compound score in [-1, 1]. Thread-safe and allocation-light: the lexicon is read-only.
/// </summary>
public sealed class VaderSentiment(VaderLexicon lexicon)
{
    /// <summary>Added to (or taken from) a valence per booster (or dampener) word.</summary>
    public const double BoosterStep = 0.293;

    /// <summary>Added to a valence when its word is in capitals while others are not.</summary>
    public const double CapsStep = 0.733;

    /// <summary>Multiplies the valence of a negated word.</summary>
    public const double NegationScalar = -0.74;

    /// <summary>Normalisation constant: compound = sum / √(sum² + alpha).</summary>
    public const double Alpha = 15;

    /// <summary>A VADER over the published lexicon.</summary>
    public VaderSentiment()
        : this(VaderLexicon.Default)
    {
    }

    /// <summary>The lexicon this instance reads.</summary>
    public VaderLexicon Lexicon => lexicon;

    /// <summary>Scores one text.</summary>
    public SentimentScores Score(string text)
    {
        var (parsed, valences) = WordValences(text);
        return valences.Length == 0 ? SentimentScores.Empty : Combine(valences, parsed.Text);
    }

    /// <summary>
    /// The text's words and each one's valence after every rule but the final sum (the "but" weighting
    /// included): what models built on VADER adjust before <see cref="Combine(double[], string, double)"/>.
    /// </summary>
    internal (VaderText Text, double[] Valences) WordValences(string text)
    {
        var parsed = VaderText.Parse(text, lexicon);
        var lower = parsed.Lower;
        if (lower.Length == 0)
        {
            return (parsed, []);
        }

        var valences = new double[lower.Length];
        for (var i = 0; i < lower.Length; i++)
        {
            // Modifier words carry no valence of their own ("kind" of "kind of" is a dampener here).
            if (lexicon.Degrees.ContainsKey(lower[i]) || (lower[i] == "kind" && i + 1 < lower.Length && lower[i + 1] == "of"))
            {
                continue;
            }

            valences[i] = Valence(parsed, i);
        }

        WeighAroundBut(lower, valences);
        return (parsed, valences);
    }

    private double Valence(VaderText text, int i)
    {
        var lower = text.Lower;
        if (!lexicon.Valences.TryGetValue(lower[i], out var rated))
        {
            return 0;
        }

        var valence = rated;
        // "no" directly before a lexicon word negates it rather than counting on its own.
        if (lower[i] == "no" && i + 1 < lower.Length && lexicon.Valences.ContainsKey(lower[i + 1]))
        {
            valence = 0;
        }

        if ((i > 0 && lower[i - 1] == "no") || (i > 1 && lower[i - 2] == "no")
            || (i > 2 && lower[i - 3] == "no" && lower[i - 1] is "or" or "nor"))
        {
            valence = rated * NegationScalar;
        }

        if (text.CapsEmphasis && VaderText.IsAllCaps(text.Tokens[i]))
        {
            valence += Math.Sign(valence) * CapsStep;
        }

        for (var distance = 1; distance <= 3 && i - distance >= 0; distance++)
        {
            var before = i - distance;
            if (lexicon.Valences.ContainsKey(lower[before]))
            {
                continue;
            }

            // A booster's effect fades with distance from the word it modifies.
            var scalar = Scalar(text, before, valence) * distance switch { 1 => 1.0, 2 => 0.95, _ => 0.9 };
            valence = Negate(valence + scalar, lower, i, distance);
            if (distance == 3)
            {
                valence = Idioms(valence, lower, i);
            }
        }

        return Least(valence, lower, i);
    }

    private double Scalar(VaderText text, int j, double valence)
    {
        if (!lexicon.Degrees.TryGetValue(text.Lower[j], out var scalar))
        {
            return 0;
        }

        scalar = valence < 0 ? -scalar : scalar;
        if (text.CapsEmphasis && VaderText.IsAllCaps(text.Tokens[j]))
        {
            scalar += valence > 0 ? CapsStep : -CapsStep;
        }

        return scalar;
    }

    /// <summary>
    /// Negation by the word <paramref name="distance"/> before <paramref name="i"/>, with the
    /// published exceptions: "never so/this …" intensifies (×1.25), "without doubt" does not negate.
    /// </summary>
    private double Negate(double valence, string[] lower, int i, int distance)
    {
        var word = lower[i - distance];
        if (distance >= 2 && word == "never" && (lower[i - distance + 1] is "so" or "this" || (distance == 3 && lower[i - 1] is "so" or "this")))
        {
            return valence * 1.25;
        }

        if (distance >= 2 && word == "without" && (lower[i - distance + 1] == "doubt" || (distance == 3 && lower[i - 1] == "doubt")))
        {
            return valence;
        }

        return IsNegation(word) ? valence * NegationScalar : valence;
    }

    private bool IsNegation(string word) => lexicon.Negations.Contains(word) || word.Contains("n't", StringComparison.Ordinal);

    /// <summary>Idioms around the word replace its valence; two-word dampeners before it ("kind of") apply.</summary>
    private double Idioms(double valence, string[] lower, int i)
    {
        // Phrases are built in one buffer and looked up as spans: this runs for most words of
        // every customer line, and building strings for it was a fifth of the analyzer's garbage.
        Span<char> buffer = stackalloc char[256];
        var idioms = lexicon.IdiomPhrases;
        if (TryLookup(idioms, buffer, lower, i - 1, i, out var idiom)
            || TryLookup(idioms, buffer, lower, i - 2, i, out idiom)
            || TryLookup(idioms, buffer, lower, i - 2, i - 1, out idiom)
            || TryLookup(idioms, buffer, lower, i - 3, i - 1, out idiom)
            || TryLookup(idioms, buffer, lower, i - 3, i - 2, out idiom))
        {
            valence = idiom;
        }

        if (i + 1 < lower.Length && TryLookup(idioms, buffer, lower, i, i + 1, out var after2))
        {
            valence = after2;
        }

        if (i + 2 < lower.Length && TryLookup(idioms, buffer, lower, i, i + 2, out var after3))
        {
            valence = after3;
        }

        var degrees = lexicon.DegreePhrases;
        foreach (var (from, to) in (ReadOnlySpan<(int, int)>)[(i - 3, i - 1), (i - 3, i - 2), (i - 2, i - 1)])
        {
            if (TryLookup(degrees, buffer, lower, from, to, out var degree))
            {
                valence += degree;
            }
        }

        return valence;
    }

    /// <summary>Looks up the words <paramref name="from"/> to <paramref name="to"/> joined by spaces (false when they do not fit the buffer).</summary>
    private static bool TryLookup(Dictionary<string, double>.AlternateLookup<ReadOnlySpan<char>> table, Span<char> buffer, string[] lower, int from, int to, out double value)
    {
        value = 0;
        var length = 0;
        for (var k = from; k <= to; k++)
        {
            var word = lower[k];
            if (length + word.Length + 1 > buffer.Length)
            {
                return false;
            }

            if (k > from)
            {
                buffer[length++] = ' ';
            }

            word.CopyTo(buffer[length..]);
            length += word.Length;
        }

        return table.TryGetValue(buffer[..length], out value);
    }

    /// <summary>"least" before a word negates it, except in "at least" and "very least".</summary>
    private double Least(double valence, string[] lower, int i)
    {
        if (i == 0 || lower[i - 1] != "least" || lexicon.Valences.ContainsKey("least"))
        {
            return valence;
        }

        return i > 1 && lower[i - 2] is "at" or "very" ? valence : valence * NegationScalar;
    }

    /// <summary>The contrastive "but": what comes before counts half, what comes after one and a half times.</summary>
    private static void WeighAroundBut(string[] lower, double[] valences)
    {
        var but = Array.IndexOf(lower, "but");
        if (but < 0)
        {
            return;
        }

        for (var i = 0; i < valences.Length; i++)
        {
            valences[i] *= i < but ? 0.5 : i > but ? 1.5 : 1;
        }
    }

    private static SentimentScores Combine(double[] valences, string text) => Combine(valences, text, 0);

    /// <summary>
    /// VADER's last step: the valences summed (with <paramref name="extra"/>, valence found outside single
    /// words), amplified by the text's "!" and "?", normalised to the compound, and the proportions.
    /// </summary>
    internal static SentimentScores Combine(double[] valences, string text, double extra)
    {
        var sum = extra;
        foreach (var v in valences)
        {
            sum += v;
        }

        var emphasis = Punctuation(text);
        sum += Math.Sign(sum) * emphasis;
        var compound = Math.Clamp(sum / Math.Sqrt((sum * sum) + Alpha), -1, 1);

        // Proportions: each sentiment word counts one more than its valence, each other word one.
        double positive = 0, negative = 0, neutral = 0;
        foreach (var v in valences)
        {
            if (v > 0)
            {
                positive += v + 1;
            }
            else if (v < 0)
            {
                negative += v - 1;
            }
            else
            {
                neutral++;
            }
        }

        if (positive > -negative)
        {
            positive += emphasis;
        }
        else if (positive < -negative)
        {
            negative -= emphasis;
        }

        var total = positive - negative + neutral;
        return new SentimentScores(
            Math.Round(compound, 4),
            Math.Round(positive / total, 3),
            Math.Round(neutral / total, 3),
            Math.Round(-negative / total, 3));
    }

    /// <summary>Each "!" adds 0.292 (at most four count); two or three "?" add 0.18 each, more add 0.96.</summary>
    private static double Punctuation(string text)
    {
        var span = text.AsSpan();
        var exclamations = Math.Min(span.Count('!'), 4);
        var questions = span.Count('?');
        var questionEmphasis = questions switch
        {
            <= 1 => 0,
            <= 3 => questions * 0.18,
            _ => 0.96,
        };
        return (exclamations * 0.292) + questionEmphasis;
    }
}
