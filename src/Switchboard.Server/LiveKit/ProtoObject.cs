using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// Tolerant reader of a proto3-JSON object (LIVEKIT.md §8): a field is found under its
/// lowerCamelCase or its snake_case name, int64 may be a string or a number, enums a name or a
/// number, and a missing or null field reads as the proto default. Map keys are never rewritten.
/// </summary>
public readonly struct ProtoObject(JsonElement element)
{
    /// <summary>True when this wraps a JSON object.</summary>
    public bool Exists => element.ValueKind == JsonValueKind.Object;

    /// <summary>The field by its lowerCamelCase name, also looked up as snake_case.</summary>
    public JsonElement? Field(string camelName)
    {
        if (!Exists)
        {
            return null;
        }

        if (element.TryGetProperty(camelName, out var value) || element.TryGetProperty(Snake(camelName), out value))
        {
            return value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : value;
        }

        return null;
    }

    public string Str(string name) => Field(name) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : "";

    public bool Bool(string name) => Field(name) is { } v && (v.ValueKind == JsonValueKind.True
        || (v.ValueKind == JsonValueKind.String && v.GetString() == "true"));

    public long Int64(string name) => Field(name) switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out var n) => n,
        { ValueKind: JsonValueKind.Number } v => (long)v.GetDouble(),
        { ValueKind: JsonValueKind.String } v when long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => 0,
    };

    /// <summary>An enum field as its name; a number is translated with <paramref name="names"/> (index = value).</summary>
    public string Enum(string name, IReadOnlyList<string?> names) => Field(name) switch
    {
        { ValueKind: JsonValueKind.String } v => v.GetString()!,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt32(out var n) =>
            n >= 0 && n < names.Count && names[n] is { } known ? known : n.ToString(CultureInfo.InvariantCulture),
        _ => names[0]!,
    };

    /// <summary>A repeated enum field as names.</summary>
    public IReadOnlyList<string> EnumList(string name, IReadOnlyList<string?> names) =>
        Field(name) is { ValueKind: JsonValueKind.Array } array
            ? [.. array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var n) && n >= 0 && n < names.Count && names[n] is { } known
                ? known
                : e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())]
            : [];

    public ProtoObject Obj(string name) => new(Field(name) ?? default);

    public IReadOnlyList<T> List<T>(string name, Func<ProtoObject, T> read) =>
        Field(name) is { ValueKind: JsonValueKind.Array } array ? [.. array.EnumerateArray().Select(e => read(new ProtoObject(e)))] : [];

    public IReadOnlyList<string> Strings(string name) =>
        Field(name) is { ValueKind: JsonValueKind.Array } array
            ? [.. array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];

    public IReadOnlyDictionary<string, string> Map(string name) =>
        Field(name) is { ValueKind: JsonValueKind.Object } map
            ? map.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static string Snake(string camel)
    {
        var builder = new StringBuilder(camel.Length + 4);
        foreach (var c in camel)
        {
            if (char.IsUpper(c))
            {
                builder.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
