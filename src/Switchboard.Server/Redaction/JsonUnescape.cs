namespace Switchboard.Server.Redaction;

/// <summary>Decodes the escapes of a JSON string (already validated by the parser) in place.</summary>
internal static class JsonUnescape
{
    /// <summary>Unescapes <paramref name="text"/> in place and returns its new length.</summary>
    public static int InPlace(Span<char> text)
    {
        var write = 0;
        for (var read = 0; read < text.Length; read++)
        {
            var c = text[read];
            if (c == '\\' && read + 1 < text.Length)
            {
                var escape = text[++read];
                if (escape == 'u' && read + 4 < text.Length)
                {
                    c = (char)((Hex(text[read + 1]) << 12) | (Hex(text[read + 2]) << 8) | (Hex(text[read + 3]) << 4) | Hex(text[read + 4]));
                    read += 4;
                }
                else
                {
                    c = escape switch
                    {
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'b' => '\b',
                        'f' => '\f',
                        _ => escape,
                    };
                }
            }

            text[write++] = c;
        }

        return write;
    }

    private static int Hex(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
