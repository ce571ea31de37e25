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
        if (kinds == PersonalDataKind.None || text.Length < 6)
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

        Span<byte> digits = stackalloc byte[DigitRun.MaxDigits];
        Span<DigitGroup> groups = stackalloc DigitGroup[DigitRun.MaxGroups];
        var run = new DigitRun(digits, groups);
        var found = 0;
        var i = from;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                if (run.Read(text, from, i))
                {
                    found += NumberRules.Classify(text, run, kinds, into);
                    if (found > 0 && into is null)
                    {
                        return found;
                    }
                }

                i = run.End;
            }
            else if (Words.IsLetter(c))
            {
                var end = Words.EndOf(text, i);
                if (end - i is >= 2 and <= 6 && SpokenDigits.Value(text[i..end]) != SpokenDigits.None && (i == 0 || !Words.IsLetter(text[i - 1])))
                {
                    if (run.Read(text, from, i))
                    {
                        found += NumberRules.Classify(text, run, kinds, into);
                        if (found > 0 && into is null)
                        {
                            return found;
                        }
                    }

                    end = Math.Max(end, run.End);
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
}
