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
    public static int Value(ReadOnlySpan<char> word) => word.Length switch
    {
        2 => Is(word, "oh") ? 0 : None,
        3 => Is(word, "one") ? 1 : Is(word, "two") ? 2 : Is(word, "six") ? 6 : None,
        4 => Is(word, "zero") ? 0 : Is(word, "four") ? 4 : Is(word, "five") ? 5 : Is(word, "nine") ? 9 : None,
        5 => Is(word, "three") ? 3 : Is(word, "seven") ? 7 : Is(word, "eight") ? 8 : None,
        6 => Is(word, "double") ? Double : Is(word, "triple") ? Triple : None,
        _ => None,
    };

    /// <summary>True for "oh", which starts a number only when another spoken digit follows (otherwise it is "oh").</summary>
    public static bool IsOh(ReadOnlySpan<char> word) => Is(word, "oh");

    private static bool Is(ReadOnlySpan<char> word, string digit) => word.Equals(digit, StringComparison.OrdinalIgnoreCase);
}
