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
    /// <remarks>Called for most words of every utterance: the length and first letter pick the one word to compare.</remarks>
    public static int Value(ReadOnlySpan<char> word)
    {
        if (word.Length is < 2 or > 6)
        {
            return None;
        }

        return (word.Length, (char)(word[0] | 0x20)) switch
        {
            (2, 'o') => Is(word, "oh") ? 0 : None,
            (3, 'o') => Is(word, "one") ? 1 : None,
            (3, 't') => Is(word, "two") ? 2 : None,
            (3, 's') => Is(word, "six") ? 6 : None,
            (4, 'z') => Is(word, "zero") ? 0 : None,
            (4, 'f') => Is(word, "four") ? 4 : Is(word, "five") ? 5 : None,
            (4, 'n') => Is(word, "nine") ? 9 : None,
            (5, 't') => Is(word, "three") ? 3 : None,
            (5, 's') => Is(word, "seven") ? 7 : None,
            (5, 'e') => Is(word, "eight") ? 8 : None,
            (6, 'd') => Is(word, "double") ? Double : None,
            (6, 't') => Is(word, "triple") ? Triple : None,
            _ => None,
        };
    }

    /// <summary>True for "oh", which starts a number only when another spoken digit follows (otherwise it is "oh").</summary>
    public static bool IsOh(ReadOnlySpan<char> word) => Is(word, "oh");

    private static bool Is(ReadOnlySpan<char> word, string digit) => word.Equals(digit, StringComparison.OrdinalIgnoreCase);
}
