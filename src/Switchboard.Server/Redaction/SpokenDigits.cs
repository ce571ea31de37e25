namespace Switchboard.Server.Redaction;

/// <summary>Digits as speech-to-text writes them out: "four one one one", "oh", "double seven".</summary>
internal static class SpokenDigits
{
    /// <summary>The word repeats the next digit twice.</summary>
    public const int Double = -2;

    /// <summary>The word repeats the next digit three times.</summary>
    public const int Triple = -3;

    /// <summary>Not a digit word.</summary>
    public const int None = -1;

    /// <summary>The digit a word stands for (0–9), <see cref="Double"/>, <see cref="Triple"/> or <see cref="None"/>.</summary>
    /// <remarks>
    /// Called for nearly every word of every utterance: the length and first letter pick the one
    /// word to compare, and the comparison stops at the first letter that differs.
    /// </remarks>
    public static int Value(ReadOnlySpan<char> word)
    {
        if (word.Length is < 2 or > 6)
        {
            return None;
        }

        var first = word[0] | 0x20;
        switch (word.Length)
        {
            case 2:
                return first == 'o' && Is(word, "oh") ? 0 : None;
            case 3:
                return first switch
                {
                    'o' => Is(word, "one") ? 1 : None,
                    't' => Is(word, "two") ? 2 : None,
                    's' => Is(word, "six") ? 6 : None,
                    _ => None,
                };
            case 4:
                return first switch
                {
                    'z' => Is(word, "zero") ? 0 : None,
                    'f' => Is(word, "four") ? 4 : Is(word, "five") ? 5 : None,
                    'n' => Is(word, "nine") ? 9 : None,
                    _ => None,
                };
            case 5:
                return first switch
                {
                    't' => Is(word, "three") ? 3 : None,
                    's' => Is(word, "seven") ? 7 : None,
                    'e' => Is(word, "eight") ? 8 : None,
                    _ => None,
                };
            default:
                return first switch
                {
                    'd' => Is(word, "double") ? Double : None,
                    't' => Is(word, "triple") ? Triple : None,
                    _ => None,
                };
        }
    }

    /// <summary>True for "oh", which starts a number only when another spoken digit follows (otherwise it is "oh").</summary>
    public static bool IsOh(ReadOnlySpan<char> word) => Is(word, "oh");

    /// <summary>Case-insensitive for the ASCII letters of the digit words (| 0x20 keeps other characters apart).</summary>
    private static bool Is(ReadOnlySpan<char> word, string digit)
    {
        if (word.Length != digit.Length)
        {
            return false;
        }

        for (var i = 0; i < digit.Length; i++)
        {
            if ((word[i] | 0x20) != digit[i])
            {
                return false;
            }
        }

        return true;
    }
}
