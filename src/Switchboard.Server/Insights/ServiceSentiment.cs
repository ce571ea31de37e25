namespace Switchboard.Server.Insights;

/// <summary>
/// The embedded default: VADER read the way customer service speaks. VADER's lexicon knows words
/// of feeling; in a service call feeling is carried as much by what happened — waiting, things
/// that did not arrive or do not work, promises broken, the same call made again, being passed
/// around, charges, threats to leave or escalate — while courtesy words in a request ("please",
/// "help", "I'd like", "thanks in advance") carry none. On top of every VADER rule:
/// <list type="number">
/// <item>The constructions of <see cref="ServiceCues"/> add their valence, weighted around "but" as VADER
/// weighs words; a positive one after a negation ("not very helpful") is negated.</item>
/// <item>Acknowledgements ("yeah", "okay", "that's fine") carry no valence; in a question or request courtesy
/// and function words carry none and, unless it complains, its other words carry a third.</item>
/// <item>Where the caller complains, praise words count a third (thanks before the complaint, sarcasm).</item>
/// </list>
/// Labels use a wider neutral band than VADER's ±0.05 (<see cref="Threshold"/>).
/// </summary>
public sealed class ServiceSentiment(VaderSentiment vader, ServiceCues cues)
{
    /// <summary>The model name recorded on <c>sentiment.scored</c>.</summary>
    public const string ModelName = "switchboard-service-1";

    /// <summary>A compound at or beyond ±this is positive or negative.</summary>
    public const double Threshold = 0.2;

    /// <summary>Praise words count this much of their valence in a complaint.</summary>
    public const double PraiseUnderComplaint = 1 / 3.0;

    private static readonly HashSet<string> Functional = new(StringComparer.Ordinal)
    {
        "please", "kindly", "help", "like", "want", "hope", "thanks", "thank", "care", "support", "free", "sure", "ok", "okay",
        "yes", "interested", "fine", "welcome", "credit", "save", "share", "best", "easy", "cancel", "joke", "hi", "hello", "dear",
        "appreciate", "appreciated", "yeah", "great", "lovely", "cheers",
    };

    /// <summary>Acknowledgements and hedges: in a service call they answer the agent and carry no feeling.</summary>
    private static readonly HashSet<string> Acknowledgements = new(StringComparer.Ordinal)
    {
        "yes", "yeah", "yep", "ok", "okay", "sure", "fine", "alright", "right", "please", "kindly", "hope", "hi", "hello",
    };

    /// <summary>A question or request without a complaint keeps this much of its other words' valence.</summary>
    public const double RequestWeight = 0.3;

    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal)
    {
        "not", "never", "isnt", "wasnt", "arent", "werent", "dont", "doesnt", "didnt", "no", "hardly", "cant", "wont", "without",
    };

    private readonly int _request = cues.Families.ToList().IndexOf("request");

    /// <summary>A service sentiment over the published VADER lexicon and the shipped constructions.</summary>
    public ServiceSentiment()
        : this(new VaderSentiment(), ServiceCues.Default)
    {
    }

    /// <summary>Scores one utterance.</summary>
    public SentimentScores Score(string text)
    {
        var (parsed, valences) = vader.WordValences(text);
        if (valences.Length == 0)
        {
            return SentimentScores.Empty;
        }

        var lower = parsed.Lower;
        var tokens = new string[lower.Length];
        for (var i = 0; i < lower.Length; i++)
        {
            tokens[i] = ServiceCues.Normalise(lower[i]);
        }

        // An @-addressee or a link is not a word of the text ("@united" is not "united", +1.8).
        if (text.Contains('@') || text.Contains("://", StringComparison.Ordinal))
        {
            var raw = parsed.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < raw.Length && i < valences.Length; i++)
            {
                if (raw[i].StartsWith('@') || raw[i].Contains("://", StringComparison.Ordinal))
                {
                    valences[i] = 0;
                    tokens[i] = string.Empty;
                }
            }
        }

        var found = cues.Find(tokens);
        var complaint = false;
        var request = text.Contains('?');
        foreach (var match in found)
        {
            complaint |= match.Phrase.Valence < 0 && !match.Phrase.Conditional;
            request |= match.Phrase.Family == _request;
        }

        var but = Array.IndexOf(lower, "but");
        var extra = 0.0;
        foreach (var match in found)
        {
            var phrase = match.Phrase;
            if (phrase.Valence == 0 || (phrase.Conditional && !complaint))
            {
                continue;
            }

            var valence = phrase.Valence * (but < 0 ? 1 : match.Start < but ? 0.5 : match.Start > but ? 1.5 : 1);
            if (valence > 0 && Negated(tokens, match.Start))
            {
                valence *= VaderSentiment.NegationScalar;
            }

            extra += valence;
        }

        for (var i = 0; i < valences.Length; i++)
        {
            if (valences[i] == 0)
            {
                continue;
            }

            if (Acknowledgements.Contains(tokens[i]) || (request && Functional.Contains(tokens[i])))
            {
                valences[i] = 0;
            }
            else if (i > 0 && tokens[i - 1] == "customer" && tokens[i] is "care" or "support" or "service")
            {
                valences[i] = 0;
            }
            else if (complaint && valences[i] > 0)
            {
                valences[i] *= PraiseUnderComplaint;
            }
            else if (request && !complaint)
            {
                valences[i] *= RequestWeight;
            }
        }

        return VaderSentiment.Combine(valences, parsed.Text, extra);
    }

    /// <summary>The label of a compound score, with this model's neutral band.</summary>
    public static string Label(double compound) => compound >= Threshold ? SentimentLabel.Positive : compound <= -Threshold ? SentimentLabel.Negative : SentimentLabel.Neutral;

    private static bool Negated(string[] tokens, int start) =>
        (start > 0 && Negations.Contains(tokens[start - 1])) || (start > 1 && Negations.Contains(tokens[start - 2]));
}
