using System.Globalization;

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
                    c = (char)ushort.Parse(text.Slice(read + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
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
}
