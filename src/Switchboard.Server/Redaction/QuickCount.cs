using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Switchboard.Server.Redaction;

/// <summary>
/// The first pass over a text: an upper bound of the digits a number in it could have, from a
/// vectorised count of written digits and a vectorised search for spoken digit words. When it is
/// below the shortest number looked for, nothing more is read (the usual case).
/// </summary>
internal static class QuickCount
{
    // "oh" only with the separator beside it: a two-letter pattern makes the search several times slower.
    private static readonly SearchValues<string> DigitWords = SearchValues.Create(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "double", "triple", " oh", ",oh", "-oh", "oh ", "oh,", "oh-"],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>How many written digits the text holds.</summary>
    public static int Digits(ReadOnlySpan<char> text)
    {
        var count = 0;
        var i = 0;
        if (Vector128.IsHardwareAccelerated && text.Length >= Vector128<ushort>.Count)
        {
            ref var start = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<char, ushort>(text));
            var zero = Vector128.Create((ushort)'0');
            var nine = Vector128.Create((ushort)9);
            for (; i <= text.Length - Vector128<ushort>.Count; i += Vector128<ushort>.Count)
            {
                // Below '0' wraps round to a large unsigned value: one compare tests the range.
                var digits = Vector128.LessThanOrEqual(Vector128.LoadUnsafe(ref start, (nuint)i) - zero, nine);
                count += BitOperations.PopCount(digits.ExtractMostSignificantBits());
            }
        }

        for (; i < text.Length; i++)
        {
            count += char.IsAsciiDigit(text[i]) ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// Digits that spoken digit words add (three for "double" and "triple", which repeat the next),
    /// counted up to <paramref name="enough"/>. Only whole words count: "someone" holds no "one".
    /// </summary>
    public static int SpokenDigits(ReadOnlySpan<char> text, int enough)
    {
        var count = 0;
        for (var from = 0; count < enough && text[from..].IndexOfAny(DigitWords) is >= 0 and var at; from += at + 1)
        {
            var word = from + at;
            count += WordValue(text, text[word] is ' ' or ',' or '-' ? word + 1 : word);
        }

        return count;
    }

    /// <summary>Digits the whole word at <paramref name="at"/> stands for; 0 when it is only part of a word.</summary>
    private static int WordValue(ReadOnlySpan<char> text, int at)
    {
        if (!Words.StartsWordAt(text, at))
        {
            return 0;
        }

        return Redaction.SpokenDigits.Value(text[at..Words.EndOf(text, at)]) switch
        {
            Redaction.SpokenDigits.None => 0,
            Redaction.SpokenDigits.Double or Redaction.SpokenDigits.Triple => 3,
            _ => 1,
        };
    }
}
