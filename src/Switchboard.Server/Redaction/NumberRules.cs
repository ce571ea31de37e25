using System.Buffers;

namespace Switchboard.Server.Redaction;

/// <summary>
/// Decides what a <see cref="DigitRun"/> is: a card number (13–19 digits passing Luhn), a US social
/// security number, a phone number, or none of them. Formats that say what they are (123-45-6789,
/// (415) 555-0123, +44 20 7946 0958) need nothing more; a bare run of digits, written or spoken, is
/// an SSN or a phone number only when the words just before it say so ("my social is …", "call me
/// on …") and no other kind of number is named after them ("I'm calling about order …"), so an
/// order or account number is left alone.
/// </summary>
internal static class NumberRules
{
    private const int ContextCharacters = 48;

    private static readonly SearchValues<string> SsnWords =
        SearchValues.Create(["social", "ssn", "security number"], StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<string> PhoneWords = SearchValues.Create(
        ["phone", "cell", "mobile", "call", "reach", "text", "dial", "contact", "landline", "whatsapp", "fax", "my number", "the number", "your number", "best number"],
        StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<string> OtherNumberWords = SearchValues.Create(
        ["order", "account", "acct", "reference", "ref", "confirmation", "tracking", "invoice", "case", "ticket", "booking", "policy", "member", "claim", "serial", "routing", "pin"],
        StringComparison.OrdinalIgnoreCase);

    // Most cards have 16 digits, then 15 (Amex); a prefix of a longer run is tried in this order.
    private static readonly int[] CardLengths = [16, 15, 19, 18, 17, 14, 13];

    /// <summary>
    /// Adds what the run holds to <paramref name="into"/>, or when it is null stops at the first
    /// find; returns the number found.
    /// </summary>
    public static int Classify(ReadOnlySpan<char> text, in DigitRun run, PersonalDataKind kinds, List<PersonalDataMatch>? into)
    {
        var d = run.Digits;
        var n = d.Length;
        if ((kinds & PersonalDataKind.Card) != 0 && !run.Plus && !run.Punctuated && n >= 13 && CardLength(run) is > 0 and var length)
        {
            // The whole run goes: digits said right after a card are its expiry date or security code.
            return Add(into, new PersonalDataMatch(run.Start, run.End - run.Start, PersonalDataKind.Card, LastFour(d[..length])));
        }

        if (run.Plus)
        {
            return (kinds & PersonalDataKind.Phone) != 0 && n is >= 8 and <= 15 ? Add(into, Whole(run, PersonalDataKind.Phone)) : 0;
        }

        if (run.Unstructured)
        {
            if ((kinds & PersonalDataKind.Ssn) != 0 && n == 9 && IsSsn(d) && Follows(text, run.Start, SsnWords))
            {
                return Add(into, Whole(run, PersonalDataKind.Ssn));
            }

            return (kinds & PersonalDataKind.Phone) != 0 && IsNationalNumber(d) && Follows(text, run.Start, PhoneWords)
                ? Add(into, Whole(run, PersonalDataKind.Phone))
                : 0;
        }

        // A national number with a trunk prefix in two to five groups: 020 7946 0958, 07700 900123, 06 12 34 56 78.
        if ((kinds & PersonalDataKind.Phone) != 0 && d[0] == 0 && n is >= 10 and <= 11 && run.GroupCount <= 5 && GroupsBetween(run.Groups, 2, 6))
        {
            return Add(into, Whole(run, PersonalDataKind.Phone));
        }

        return Windows(text, run, kinds, into);
    }

    /// <summary>A JSON integer of 13–19 digits that passes Luhn (an agent may send a card number as a number).</summary>
    public static bool IsCardNumber(ReadOnlySpan<byte> ascii, out int lastFour)
    {
        lastFour = 0;
        if (ascii.Length is < 13 or > 19 || ascii.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        Span<byte> digits = stackalloc byte[19];
        for (var i = 0; i < ascii.Length; i++)
        {
            digits[i] = (byte)(ascii[i] - '0');
        }

        digits = digits[..ascii.Length];
        lastFour = LastFour(digits);
        return IsCard(digits);
    }

    /// <summary>
    /// A payment card's number: 13 digits starting with 4 (early Visa), or 14–19 starting with 2–6
    /// (Mastercard, Visa, Amex, Diners, JCB, Discover, UnionPay, Maestro), passing Luhn. The first
    /// digit keeps millisecond and microsecond Unix times (1…) and zero-padded codes out.
    /// </summary>
    public static bool IsCard(ReadOnlySpan<byte> d) =>
        (d.Length == 13 ? d[0] == 4 : d.Length is >= 14 and <= 19 && d[0] is >= 2 and <= 6) && Luhn(d);

    /// <summary>The Luhn check digit test of payment card numbers.</summary>
    public static bool Luhn(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var twice = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var x = digits[i] * (twice ? 2 : 1);
            sum += x > 9 ? x - 9 : x;
            twice = !twice;
        }

        return sum % 10 == 0;
    }

    /// <summary>SSA rules: area not 000, 666 or 900–999; group not 00; serial not 0000.</summary>
    private static bool IsSsn(ReadOnlySpan<byte> d)
    {
        var area = (d[0] * 100) + (d[1] * 10) + d[2];
        return area is not (0 or 666) && area < 900 && (d[3] | d[4]) != 0 && (d[5] | d[6] | d[7] | d[8]) != 0;
    }

    /// <summary>10 digits of the North American plan, 11 with its leading 1, or 10–11 with a trunk 0.</summary>
    private static bool IsNationalNumber(ReadOnlySpan<byte> d) => d.Length switch
    {
        10 => d[0] == 0 || IsNanp(d[0], d[3]),
        11 => d[0] == 0 || (d[0] == 1 && IsNanp(d[1], d[4])),
        _ => false,
    };

    private static bool IsNanp(byte areaFirst, byte exchangeFirst) => areaFirst >= 2 && exchangeFirst >= 2;

    /// <summary>How many leading digits form a card (0: none): the whole run, or a prefix ending between groups.</summary>
    private static int CardLength(in DigitRun run)
    {
        var d = run.Digits;
        if (IsCard(d))
        {
            return d.Length;
        }

        // A prefix only where the grouping shows where the card ends (4111 1111 1111 1111 12 27),
        // or in a spoken run longer than any card; a spoken 16-digit order number failing Luhn stays.
        if (run.GroupCount == 1 || (run.Unstructured && d.Length <= 19))
        {
            return 0;
        }

        foreach (var length in CardLengths)
        {
            if (length < d.Length && EndsGroup(run.Groups, length) && IsCard(d[..length]))
            {
                return length;
            }
        }

        return 0;
    }

    /// <summary>Grouped SSNs and North American numbers anywhere in a run, each bounded by spaces.</summary>
    private static int Windows(ReadOnlySpan<char> text, in DigitRun run, PersonalDataKind kinds, List<PersonalDataMatch>? into)
    {
        var g = run.Groups;
        var d = run.Digits;
        var found = 0;
        var k = 0;
        while (k < g.Length)
        {
            var (taken, kind) = (kinds & PersonalDataKind.Ssn) != 0 && IsSsnAt(g, d, k) ? (3, PersonalDataKind.Ssn)
                : (kinds & PersonalDataKind.Phone) != 0 && NanpAt(g, d, k) is > 0 and var groups ? (groups, PersonalDataKind.Phone)
                : (0, PersonalDataKind.None);
            if (taken == 0 || !Bounded(g, k, taken))
            {
                k++;
                continue;
            }

            var start = g[k].CharStart;
            start = start > 0 && text[start - 1] == '(' ? start - 1 : start;
            found += Add(into, new PersonalDataMatch(start, g[k + taken - 1].CharEnd - start, kind));
            if (into is null)
            {
                return found;
            }

            k += taken;
        }

        return found;
    }

    /// <summary>ddd-dd-dddd or ddd dd dddd, with one kind of separator.</summary>
    private static bool IsSsnAt(ReadOnlySpan<DigitGroup> g, ReadOnlySpan<byte> d, int k) =>
        k + 2 < g.Length
        && Lengths(g, k, 3, 2, 4)
        && g[k + 1].GapBefore is DigitGroup.Dash or DigitGroup.Space
        && g[k + 2].GapBefore == g[k + 1].GapBefore
        && IsSsn(d.Slice(g[k].DigitStart, 9));

    /// <summary>Groups taken by a North American number at <paramref name="k"/>: (415) 555-0123, 415.555.0123, 1-800-555-0199; 0 if none.</summary>
    private static int NanpAt(ReadOnlySpan<DigitGroup> g, ReadOnlySpan<byte> d, int k)
    {
        if (k + 3 < g.Length && g[k].Length == 1 && d[g[k].DigitStart] == 1 && !g[k].Spoken && Lengths(g, k + 1, 3, 3, 4)
            && IsNanp(d[g[k + 1].DigitStart], d[g[k + 2].DigitStart]))
        {
            return 4;
        }

        return k + 2 < g.Length && Lengths(g, k, 3, 3, 4) && IsNanp(d[g[k].DigitStart], d[g[k + 1].DigitStart]) ? 3 : 0;
    }

    private static bool Lengths(ReadOnlySpan<DigitGroup> g, int k, int a, int b, int c) =>
        g[k].Length == a && g[k + 1].Length == b && g[k + 2].Length == c && !g[k].Spoken && !g[k + 1].Spoken && !g[k + 2].Spoken;

    /// <summary>Not glued to more digits by a dash or a dot (then it is part of a longer number).</summary>
    private static bool Bounded(ReadOnlySpan<DigitGroup> g, int k, int taken) =>
        g[k].GapBefore is not (DigitGroup.Dash or DigitGroup.Dot)
        && (k + taken >= g.Length || g[k + taken].GapBefore is not (DigitGroup.Dash or DigitGroup.Dot));

    private static bool GroupsBetween(ReadOnlySpan<DigitGroup> groups, int least, int most)
    {
        foreach (var g in groups)
        {
            if (g.Length < least || g.Length > most || g.Spoken)
            {
                return false;
            }
        }

        return true;
    }

    private static bool EndsGroup(ReadOnlySpan<DigitGroup> groups, int digits)
    {
        foreach (var g in groups)
        {
            if (g.DigitEnd == digits)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One of <paramref name="words"/> comes shortly before <paramref name="start"/>, with no other kind of number named since.</summary>
    private static bool Follows(ReadOnlySpan<char> text, int start, SearchValues<string> words)
    {
        var before = text[Math.Max(0, start - ContextCharacters)..start];
        var last = -1;
        for (var i = before.IndexOfAny(words); i >= 0; i = before[(last + 1)..].IndexOfAny(words) is >= 0 and var next ? last + 1 + next : -1)
        {
            last = i;
        }

        return last >= 0 && !before[(last + 1)..].ContainsAny(OtherNumberWords);
    }

    private static int LastFour(ReadOnlySpan<byte> d) => (d[^4] * 1000) + (d[^3] * 100) + (d[^2] * 10) + d[^1];

    private static PersonalDataMatch Whole(in DigitRun run, PersonalDataKind kind) => new(run.Start, run.End - run.Start, kind);

    private static int Add(List<PersonalDataMatch>? into, PersonalDataMatch match)
    {
        into?.Add(match);
        return 1;
    }
}
