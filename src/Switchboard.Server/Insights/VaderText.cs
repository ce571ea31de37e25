using System.Text;

namespace Switchboard.Server.Insights;

/// <summary>
/// The text-level properties VADER looks at: emoji replaced by their descriptions, the tokens
/// (whitespace-separated, leading and trailing punctuation stripped, emoticons kept), their lower
/// case, and whether capitals are used for emphasis (some tokens but not all are ALL CAPS).
/// </summary>
internal sealed class VaderText
{
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private VaderText(string text, string[] tokens, string[] lower, bool capsEmphasis)
    {
        Text = text;
        Tokens = tokens;
        Lower = lower;
        CapsEmphasis = capsEmphasis;
    }

    /// <summary>The text with emoji replaced by their descriptions (where punctuation is counted).</summary>
    public string Text { get; }

    public string[] Tokens { get; }

    public string[] Lower { get; }

    /// <summary>True when some, but not all, tokens are ALL CAPS.</summary>
    public bool CapsEmphasis { get; }

    public static VaderText Parse(string text, VaderLexicon lexicon)
    {
        text = ReplaceEmoji(text, lexicon).Trim();
        var raw = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var tokens = new string[raw.Length];
        var lower = new string[raw.Length];
        var upper = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            tokens[i] = Strip(raw[i], lexicon);
            lower[i] = tokens[i].ToLowerInvariant();
            if (IsAllCaps(tokens[i]))
            {
                upper++;
            }
        }

        return new VaderText(text, tokens, lower, upper > 0 && upper < raw.Length);
    }

    /// <summary>True when the token has a cased letter and no lower-case one (Python's <c>str.isupper</c>).</summary>
    public static bool IsAllCaps(string token)
    {
        var cased = false;
        foreach (var c in token)
        {
            if (char.IsLower(c))
            {
                return false;
            }

            cased |= char.IsUpper(c);
        }

        return cased;
    }

    /// <summary>
    /// Strips leading and trailing punctuation. What is left of two characters or fewer was
    /// likely an emoticon (":)" or ":D"), so the token is kept whole — unless the token is not a
    /// lexicon entry and starts with a letter or digit ("no," or "ok."): then the word is kept,
    /// because in speech transcripts short words before punctuation are common and must count.
    /// </summary>
    private static string Strip(string token, VaderLexicon lexicon)
    {
        var stripped = token.AsSpan().Trim(AsciiPunctuation);
        if (stripped.Length > 2 || stripped.Length == token.Length)
        {
            return stripped.Length == token.Length ? token : stripped.ToString();
        }

        if (stripped.IsEmpty || !char.IsLetterOrDigit(token[0]) || lexicon.Valences.ContainsKey(token.ToLowerInvariant()))
        {
            return token;
        }

        return stripped.ToString();
    }

    private static string ReplaceEmoji(string text, VaderLexicon lexicon)
    {
        if (!text.AsSpan().ContainsAnyExceptInRange('\0', '\u007f'))
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 32);
        var previousSpace = true;
        Span<char> buffer = stackalloc char[2];
        foreach (var rune in text.EnumerateRunes())
        {
            var length = rune.EncodeToUtf16(buffer);
            var key = buffer[..length];
            if (lexicon.Emoji.TryGetValue(key.ToString(), out var description))
            {
                if (!previousSpace)
                {
                    result.Append(' ');
                }

                result.Append(description);
                previousSpace = false;
            }
            else
            {
                result.Append(key);
                previousSpace = rune.Value == ' ';
            }
        }

        return result.ToString();
    }
}
