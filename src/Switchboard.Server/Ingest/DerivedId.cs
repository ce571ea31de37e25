using System.Security.Cryptography;
using System.Text;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Ingest;

/// <summary>
/// Ids of the events the server derives from others. Event ids are unique per call, so a derived
/// id never needs the call id; and it must fit <see cref="Limits.ShortText"/> whatever input it was
/// derived from, since the server's own appends are validated like an agent's.
/// </summary>
public static class DerivedId
{
    /// <summary>
    /// <paramref name="prefix"/> and the parts joined with '-', or, when that would be longer than
    /// an id may be, the prefix and a hash of the parts: the same input always gives the same id.
    /// </summary>
    public static string Of(string prefix, params ReadOnlySpan<string> parts)
    {
        var joined = new StringBuilder(prefix);
        foreach (var part in parts)
        {
            joined.Append('-').Append(part);
        }

        if (joined.Length <= Limits.ShortText && IsPlain(joined))
        {
            return joined.ToString();
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(joined.ToString()));
        return prefix + "_" + Convert.ToHexStringLower(hash, 0, 16);
    }

    private static bool IsPlain(StringBuilder id)
    {
        foreach (var chunk in id.GetChunks())
        {
            foreach (var c in chunk.Span)
            {
                if (char.IsControl(c) || char.IsSurrogate(c))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
