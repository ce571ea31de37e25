namespace Switchboard.Server.Redaction;

/// <summary>
/// A run of digits in a text: groups of written digits and spoken digit words joined by short gaps
/// (spaces, dashes, dots, parentheses; commas only between single digits, as speech-to-text writes
/// "4, 1, 1, 1"). It lives on the stack: reading one allocates nothing.
/// </summary>
internal ref struct DigitRun
{
    public const int MaxDigits = 64;
    public const int MaxGroups = 32;
    private const int MaxGap = 3;

    private readonly Span<byte> _digits;
    private readonly Span<DigitGroup> _groups;

    public DigitRun(Span<byte> digits, Span<DigitGroup> groups)
    {
        _digits = digits;
        _groups = groups;
    }

    /// <summary>Index of the run's first character (a '+' or '(' just before the first digit included).</summary>
    public int Start { get; private set; }

    /// <summary>Index after the run's last digit or digit word.</summary>
    public int End { get; private set; }

    public int DigitCount { get; private set; }

    public int GroupCount { get; private set; }

    /// <summary>A '+' stands right before the first digit (an international number).</summary>
    public bool Plus { get; private set; }

    /// <summary>A gap holds a dot or a parenthesis (phone formats; never a card or SSN).</summary>
    public bool Punctuated { get; private set; }

    /// <summary>Every group is one digit, or the digits were spoken: the grouping says nothing.</summary>
    public readonly bool Unstructured
    {
        get
        {
            if (GroupCount == 1)
            {
                return true;
            }

            foreach (var g in Groups)
            {
                if (g.Length != 1 && !g.Spoken)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>True when any group was spoken.</summary>
    public readonly bool Spoken
    {
        get
        {
            foreach (var g in Groups)
            {
                if (g.Spoken)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public readonly ReadOnlySpan<byte> Digits => _digits[..DigitCount];

    public readonly ReadOnlySpan<DigitGroup> Groups => _groups[..GroupCount];

    /// <summary>
    /// Reads the run that starts at <paramref name="start"/> (a digit, or a spoken digit word) of
    /// <paramref name="text"/>, whose characters before <paramref name="floor"/> belong to something
    /// else. Returns false when nothing there starts a run (an "oh" not followed by digits).
    /// </summary>
    public bool Read(ReadOnlySpan<char> text, int floor, int start)
    {
        DigitCount = 0;
        GroupCount = 0;
        Plus = false;
        Punctuated = false;
        Start = start;
        if (start > floor && text[start - 1] is '+' or '(')
        {
            Plus = text[start - 1] == '+';
            Punctuated = text[start - 1] == '(';
            Start = start - 1;
        }

        var i = start;
        var gap = '\0';
        var gapHasComma = false;
        var gapPunctuated = false;
        while (GroupCount < MaxGroups && TryToken(text, i, out var end, out var digit, out var count, out var spoken))
        {
            if (DigitCount + count > MaxDigits)
            {
                if (GroupCount == 0)
                {
                    // Longer than any number looked for: skip it whole.
                    End = end;
                    return false;
                }

                break;
            }

            // A comma joins single digits only: "4, 1, 1" is one number, "415, 555" two.
            if (gapHasComma && (count != 1 || _groups[GroupCount - 1].Length != 1))
            {
                break;
            }

            if (digit >= 0)
            {
                _digits.Slice(DigitCount, count).Fill((byte)digit);
            }
            else
            {
                for (var k = 0; k < count; k++)
                {
                    _digits[DigitCount + k] = (byte)(text[i + k] - '0');
                }
            }

            _groups[GroupCount++] = new DigitGroup { CharStart = i, CharEnd = end, DigitStart = DigitCount, Length = count, GapBefore = gap, Spoken = spoken };
            DigitCount += count;
            Punctuated |= gapPunctuated;
            End = end;

            var k2 = end;
            while (k2 < text.Length && k2 - end < MaxGap && text[k2] is ' ' or '-' or '.' or '(' or ')' or ',')
            {
                k2++;
            }

            if (k2 == end)
            {
                break;
            }

            var gapText = text[end..k2];
            gap = gapText.Length == 1 && gapText[0] is ' ' or '-' or '.' ? gapText[0] : DigitGroup.Other;
            gapHasComma = gapText.Contains(',');
            gapPunctuated = gapText.ContainsAny('.', '(', ')');
            i = k2;
        }

        if (GroupCount == 0)
        {
            End = Words.StartsWordAt(text, start) ? Words.EndOf(text, start) : start + 1;
            return false;
        }

        // "Oh, I see" is not a zero: a spoken "oh" starts a number only when a spoken digit follows.
        var first = _groups[0];
        if (first.Spoken && SpokenDigits.IsOh(text[first.CharStart..first.CharEnd]) && (GroupCount == 1 || !_groups[1].Spoken))
        {
            End = first.CharEnd;
            return false;
        }

        return true;
    }

    /// <summary>
    /// A token at <paramref name="i"/>: written digits (<paramref name="digit"/> = -1, read from the
    /// text), or a spoken digit word repeated <paramref name="count"/> times ("double seven").
    /// </summary>
    private static bool TryToken(ReadOnlySpan<char> text, int i, out int end, out int digit, out int count, out bool spoken)
    {
        end = i;
        digit = -1;
        count = 0;
        spoken = false;
        if (i >= text.Length)
        {
            return false;
        }

        if (char.IsAsciiDigit(text[i]))
        {
            var n = text[i..].IndexOfAnyExceptInRange('0', '9');
            count = n < 0 ? text.Length - i : n;
            end = i + count;
            return true;
        }

        if (!Words.StartsWordAt(text, i))
        {
            return false;
        }

        var wordEnd = Words.EndOf(text, i);
        var value = SpokenDigits.Value(text[i..wordEnd]);
        spoken = true;
        if (value >= 0)
        {
            (end, digit, count) = (wordEnd, value, 1);
            return true;
        }

        if (value is SpokenDigits.Double or SpokenDigits.Triple && wordEnd + 1 < text.Length && text[wordEnd] == ' ' && Words.StartsWordAt(text, wordEnd + 1))
        {
            var nextEnd = Words.EndOf(text, wordEnd + 1);
            var repeated = SpokenDigits.Value(text[(wordEnd + 1)..nextEnd]);
            if (repeated >= 0)
            {
                (end, digit, count) = (nextEnd, repeated, value == SpokenDigits.Double ? 2 : 3);
                return true;
            }
        }

        return false;
    }
}
