using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Switchboard.Contracts.Events;

/// <summary>
/// Checks that every string of a JSON value is text: valid UTF-8, and escapes that make whole
/// characters. A JSON parser accepts both kinds of damage inside a string without complaint, and
/// only the first read of that string fails, wherever it happens; the log must never store such a
/// value, so it is refused at the edge with the place of the damage.
/// </summary>
public static class JsonText
{
    /// <summary>Where the first string that is not text sits, or null when every string is text.</summary>
    /// <param name="value">The value to check.</param>
    /// <param name="root">The path of <paramref name="value"/> itself, such as <c>data</c>.</param>
    public static JsonTextDamage? FindDamage(JsonElement value, string root)
    {
        if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.String))
        {
            return null;
        }

        var json = JsonMarshal.GetRawUtf8Value(value);
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !IsText(ref reader))
            {
                var at = reader.TokenStartIndex;
                return new JsonTextDamage(PathTo(json, at, root), at);
            }
        }

        return null;
    }

    private static bool IsText(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return System.Text.Unicode.Utf8.IsValid(reader.ValueSpan);
        }

        try
        {
            // Unescaping checks both the bytes and that every \u escape makes a whole character.
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The path of the token that starts at <paramref name="offset"/> (only when damage was found).</summary>
    private static string PathTo(ReadOnlySpan<byte> json, long offset, string root)
    {
        // Each open container: the name or index it has in its parent, and for arrays the index of the current item.
        var containers = new List<(string Key, int Next)>();
        string? name = null;
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            var key = containers.Count == 0 ? "" : containers[^1].Next >= 0 ? $"[{containers[^1].Next}]" : "." + (name ?? "?");
            if (reader.TokenStartIndex == offset)
            {
                var path = new StringBuilder(root);
                containers.Skip(1).ToList().ForEach(c => path.Append(c.Key));
                return reader.TokenType == JsonTokenType.PropertyName ? path + " (a property name)" : path.Append(key).ToString();
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    name = SafeName(ref reader);
                    continue;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    containers.Add((key, reader.TokenType == JsonTokenType.StartArray ? 0 : -1));
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    containers.RemoveAt(containers.Count - 1);
                    break;
            }

            if (containers.Count > 0 && containers[^1].Next >= 0)
            {
                containers[^1] = (containers[^1].Key, containers[^1].Next + 1);
            }
        }

        return root;
    }

    private static string SafeName(ref Utf8JsonReader reader) => IsText(ref reader) ? reader.GetString()! : "?";
}
