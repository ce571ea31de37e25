using System.Text;

namespace Switchboard.Server.Redaction;

/// <summary>
/// Finds card numbers, social security numbers, phone numbers and e-mail addresses in text, and
/// masks them. One pass over the text without allocating when nothing is found (the usual case,
/// on the ingest path of every event): digit runs and spoken digit words are read on the stack and
/// judged by <see cref="NumberRules"/>; e-mail addresses are looked for around each '@'.
/// </summary>
public static class PersonalDataScanner
{
    private const PersonalDataKind Numbers = PersonalDataKind.Card | PersonalDataKind.Ssn | PersonalDataKind.Phone;

    /// <summary>The fewest characters a text must have to hold any of <paramref name="kinds"/>.</summary>
    public static int ShortestText(PersonalDataKind kinds) =>
        (kinds & PersonalDataKind.Email) != 0 ? 6 : (kinds & (PersonalDataKind.Ssn | PersonalDataKind.Phone)) != 0 ? 9 : 13;

    /// <summary>True when the text holds personal data of the given kinds.</summary>
    public static bool Contains(ReadOnlySpan<char> text, PersonalDataKind kinds) => Scan(text, kinds, null) > 0;

    /// <summary>Adds every find, in text order, to <paramref name="matches"/>; returns how many.</summary>
    public static int Find(ReadOnlySpan<char> text, PersonalDataKind kinds, List<PersonalDataMatch> matches) => Scan(text, kinds, matches);

    /// <summary>The text with every find replaced by its mask; the same instance when there is none.</summary>
    public static string Mask(string text, PersonalDataKind kinds)
    {
        if (!Contains(text, kinds))
        {
            return text;
        }

        var matches = new List<PersonalDataMatch>(2);
        Find(text, kinds, matches);
        var masked = new StringBuilder(text.Length + 16);
        var at = 0;
        foreach (var m in matches)
        {
            masked.Append(text, at, m.Start - at).Append(m.Mask);
            at = m.End;
        }

        return masked.Append(text, at, text.Length - at).ToString();
    }

    private static int Scan(ReadOnlySpan<char> text, PersonalDataKind kinds, List<PersonalDataMatch>? into)
    {
        if (kinds == PersonalDataKind.None || text.Length < ShortestText(kinds))
        {
            return 0;
        }

        var found = 0;
        var from = 0;
        if ((kinds & PersonalDataKind.Email) != 0)
        {
            // Addresses first: their local part may hold digits ("4155550123@example.com").
            for (var at = text.IndexOf('@'); at >= 0; at = text[(at + 1)..].IndexOf('@') is >= 0 and var next ? at + 1 + next : -1)
            {
                if (at < from || !EmailAddresses.TryFind(text, from, at, out var start, out var end))
                {
                    continue;
                }

                found += ScanNumbers(text[..start], from, kinds, into);
                into?.Add(new PersonalDataMatch(start, end - start, PersonalDataKind.Email));
                found++;
                if (into is null)
                {
                    return found;
                }

                from = end;
            }
        }

        return found + ScanNumbers(text, from, kinds, into);
    }

    /// <summary>Digit runs from <paramref name="from"/> to the end of <paramref name="text"/>.</summary>
    private static int ScanNumbers(ReadOnlySpan<char> text, int from, PersonalDataKind kinds, List<PersonalDataMatch>? into)
    {
        if ((kinds & Numbers) == 0 || text.Length - from < 8)
        {
            return 0;
        }

        // Fewer digits than the shortest number looked for: a run of them is skipped unread.
        var fewest = (kinds & (PersonalDataKind.Ssn | PersonalDataKind.Phone)) != 0 ? 9 : 13;
        var rest = text[from..];
        var written = QuickCount.Digits(rest);
        var needed = (kinds & PersonalDataKind.Phone) != 0 ? 8 : fewest;
        var spoken = QuickCount.SpokenDigits(rest, Math.Max(1, needed - written));
        if (written + spoken < needed)
        {
            return 0;
        }

        return spoken == 0 ? ScanWrittenNumbers(text, from, fewest, kinds, into) : ScanAllNumbers(text, from, fewest, kinds, into);
    }

    /// <summary>Only written digits can form a number: jump from digit to digit, over the words.</summary>
    private static int ScanWrittenNumbers(ReadOnlySpan<char> text, int from, int fewest, PersonalDataKind kinds, List<PersonalDataMatch>? into)
    {
        var found = 0;
        var i = from;
        while ((found == 0 || into is not null) && NextDigit(text, i) is >= 0 and var next)
        {
            i = next;
            if (MayHoldNumber(text, i, fewest, out var stretchEnd))
            {
                found += ReadRun(text, from, i, kinds, into, out stretchEnd);
            }

            i = stretchEnd;
        }

        return found;
    }

    /// <summary>The index of the next digit from <paramref name="i"/>, or -1.</summary>
    private static int NextDigit(ReadOnlySpan<char> text, int i)
    {
        // In dates and times the next digit is a character or two away: look before searching.
        var near = Math.Min(text.Length, i + 4);
        for (; i < near; i++)
        {
            if (char.IsAsciiDigit(text[i]))
            {
                return i;
            }
        }

        return i < text.Length && text[i..].IndexOfAnyInRange('0', '9') is >= 0 and var skip ? i + skip : -1;
    }

    /// <summary>Written and spoken digits: every word is looked at.</summary>
    private static int ScanAllNumbers(ReadOnlySpan<char> text, int from, int fewest, PersonalDataKind kinds, List<PersonalDataMatch>? into)
    {
        var found = 0;
        var i = from;
        while (i < text.Length && (found == 0 || into is not null))
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                if (MayHoldNumber(text, i, fewest, out var stretchEnd))
                {
                    found += ReadRun(text, from, i, kinds, into, out i);
                }
                else
                {
                    i = stretchEnd;
                }
            }
            else if (Words.IsLetter(c))
            {
                var end = Words.EndOf(text, i);
                if (SpokenDigits.Value(text[i..end]) != SpokenDigits.None && Words.StartsWordAt(text, i))
                {
                    found += ReadRun(text, from, i, kinds, into, out var runEnd);
                    end = Math.Max(end, runEnd);
                }

                i = end;
            }
            else
            {
                i++;
            }
        }

        return found;
    }

    /// <summary>
    /// Whether the written digits from <paramref name="start"/> may be worth reading as a run: enough
    /// of them between separators, a '+' before them (8 digits make an international number), or a
    /// spoken digit right after them (the run goes on in words).
    /// </summary>
    private static bool MayHoldNumber(ReadOnlySpan<char> text, int start, int fewest, out int end)
    {
        var digits = 0;
        end = start;
        while (end < text.Length && text[end] is (>= '0' and <= '9') or ' ' or '-' or '.' or '(' or ')' or ',')
        {
            digits += char.IsAsciiDigit(text[end]) ? 1 : 0;
            end++;
        }

        if (digits >= fewest || (digits >= 8 && start > 0 && text[start - 1] == '+'))
        {
            return true;
        }

        if (end < text.Length && Words.IsLetter(text[end]) && end > start && !char.IsAsciiDigit(text[end - 1]))
        {
            return SpokenDigits.Value(text[end..Words.EndOf(text, end)]) != SpokenDigits.None;
        }

        // Back to the last digit: what follows is read again as text.
        while (end > start && !char.IsAsciiDigit(text[end - 1]))
        {
            end--;
        }

        return false;
    }

    /// <summary>Reads and judges the run at <paramref name="start"/>; its buffers live only while it does.</summary>
    private static int ReadRun(ReadOnlySpan<char> text, int from, int start, PersonalDataKind kinds, List<PersonalDataMatch>? into, out int end)
    {
        Span<byte> digits = stackalloc byte[DigitRun.MaxDigits];
        Span<DigitGroup> groups = stackalloc DigitGroup[DigitRun.MaxGroups];
        var run = new DigitRun(digits, groups);
        var found = run.Read(text, from, start) ? NumberRules.Classify(text, run, kinds, into) : 0;
        end = run.End;
        return found;
    }
}
