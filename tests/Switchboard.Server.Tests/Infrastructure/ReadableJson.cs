using System.Text.Json;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>The text a person would read in JSON answers: the server escapes + and ' as \u002B and \u0027.</summary>
public static class ReadableJson
{
    /// <summary>Every property name and string value of each JSON line, unescaped; lines that are not JSON as they are.</summary>
    public static string Decoded(string json) => string.Join("\n", json.Split('\n').Select(line =>
    {
        try
        {
            return string.Join(" ", Strings(JsonDocument.Parse(line).RootElement));
        }
        catch (JsonException)
        {
            return line;
        }
    }));

    private static IEnumerable<string> Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Strings(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Strings),
        JsonValueKind.String => [e.GetString()!],
        _ => [],
    };
}
