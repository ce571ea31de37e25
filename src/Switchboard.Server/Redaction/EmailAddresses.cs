namespace Switchboard.Server.Redaction;

/// <summary>
/// E-mail addresses as written: a local part of letters, digits and <c>. _ % + -</c>, an '@', and a
/// domain of at least two labels whose last is two or more letters. Spelled out ("john at gmail dot
/// com") they are not found.
/// </summary>
internal static class EmailAddresses
{
    /// <summary>The address around the '@' at <paramref name="at"/>, not reaching before <paramref name="floor"/>.</summary>
    public static bool TryFind(ReadOnlySpan<char> text, int floor, int at, out int start, out int end)
    {
        start = at;
        while (start > floor && IsLocal(text[start - 1]))
        {
            start--;
        }

        while (start < at && text[start] == '.')
        {
            start++;
        }

        end = at + 1;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || (text[end] is '-' or '.' && text[end - 1] is not ('.' or '@'))))
        {
            end++;
        }

        // A sentence may end right after the address: "write to me at a@b.com."
        while (end > at + 1 && text[end - 1] is '.' or '-')
        {
            end--;
        }

        var domain = text[(at + 1)..end];
        var dot = domain.LastIndexOf('.');
        return start < at && dot > 0 && domain.Length - dot - 1 >= 2 && IsLetters(domain[(dot + 1)..]);
    }

    private static bool IsLocal(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';

    private static bool IsLetters(ReadOnlySpan<char> label) => !label.ContainsAnyExcept(Letters);

    private static readonly System.Buffers.SearchValues<char> Letters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}
