namespace Switchboard.Server.Redaction;

/// <summary>Word boundaries for spoken digits: a word is a run of letters.</summary>
internal static class Words
{
    public static bool IsLetter(char c) => char.IsAsciiLetter(c) || (c > '\u007f' && char.IsLetter(c));

    /// <summary>True when a word starts at <paramref name="i"/> (a letter not preceded by one).</summary>
    public static bool StartsWordAt(ReadOnlySpan<char> text, int i) => IsLetter(text[i]) && (i == 0 || !IsLetter(text[i - 1]));

    /// <summary>Index after the word that starts at <paramref name="i"/>.</summary>
    public static int EndOf(ReadOnlySpan<char> text, int i)
    {
        // Words are short: a plain loop beats a vectorised search here.
        while (i < text.Length && IsLetter(text[i]))
        {
            i++;
        }

        return i;
    }
}
