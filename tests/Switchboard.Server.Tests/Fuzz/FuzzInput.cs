using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Tests.Fuzz;

/// <summary>Seeded hostile input: values that are valid, nearly valid, or broken in the ways real clients and attackers break them.</summary>
public sealed class FuzzInput(int seed)
{
    private static readonly string[] Words = ["hello", "refund", "cancel", "manager", "four one one one", "4111 1111 1111 1111", "héllo wörld", "日本語", "🙂🙂", "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "%00", "\\u0000"];
    private static readonly string[] EventTypeNames = [.. EventCatalog.All.Select(k => k.Type), "x-custom", "x-", "unknown.type", "", "CALL.STARTED"];
    private static readonly string[] DataFields = ["text", "speaker", "segmentId", "reason", "state", "toolCallId", "name", "arguments", "result", "ok", "durationMs", "requestId", "question", "topic", "context", "timeoutMs", "commandId", "identity", "role", "from", "to", "e2eMs", "tokensIn", "agentName", "caller", "direction", "metadata", "label", "score", "destination", "mode", "startedAt", "endedAt", "isFinal"];

    public Random Random { get; } = new(seed);

    /// <summary>A string meant to stress: empty, long, control characters, unicode, path tricks.</summary>
    public string Text()
    {
        return Random.Next(14) switch
        {
            0 => "",
            1 => " ",
            2 => new string('a', Random.Next(129, 300)),
            3 => new string('z', Random.Next(8_001, 20_000)),
            4 => "a\u0000b",
            5 => "line\nbreak\r\n",
            6 => "a/b\\c",
            7 => "..",
            8 => "\u202Eevil",
            9 => Random.Next(-5, 1_000_000).ToString(CultureInfo.InvariantCulture),
            10 => "2026-13-45T99:00:00Z",
            _ => Words[Random.Next(Words.Length)] + (Random.Next(3) == 0 ? " " + Words[Random.Next(Words.Length)] : ""),
        };
    }

    /// <summary>A value of any JSON type, sometimes nested deeply.</summary>
    public JsonNode? AnyValue(int depth = 0) => Random.Next(depth > 3 ? 6 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(Random.Next(2) == 0),
        2 => JsonValue.Create(Random.Next(7) switch { 0 => -1, 1 => 0, 2 => int.MaxValue, 3 => 1e308, 4 => 0.5, _ => Random.Next(100_000) }),
        3 or 4 or 5 => JsonValue.Create(Text()),
        6 => new JsonArray([.. Enumerable.Range(0, Random.Next(4)).Select(_ => AnyValue(depth + 1))]),
        _ => Object(depth + 1),
    };

    private JsonObject Object(int depth)
    {
        var o = new JsonObject();
        for (var i = Random.Next(5); i > 0; i--)
        {
            o[DataFields[Random.Next(DataFields.Length)]] = AnyValue(depth);
        }

        return o;
    }

    /// <summary>A value for a query parameter of the given kind: valid, nearly valid or junk.</summary>
    public string? QueryValue(string kind) => Random.Next(6) switch
    {
        0 => null,
        1 => Text(),
        2 => "99999999999999999999",
        3 => "-1",
        _ => kind switch
        {
            "integer" => Random.Next(0, 2_000).ToString(CultureInfo.InvariantCulture),
            "boolean" => Random.Next(2) == 0 ? "true" : "maybe",
            "string:date-time" => DateTimeOffset.UtcNow.AddMinutes(-Random.Next(10_000)).ToString("O"),
            _ => Words[Random.Next(Words.Length)],
        },
    };

    /// <summary>A value following the shape, broken at random places.</summary>
    public JsonNode? FromShape(ApiShape shape, int depth = 0)
    {
        if (Random.Next(8) == 0 || depth > 5)
        {
            return AnyValue(depth);
        }

        switch (shape.Kind)
        {
            case "object":
                var o = new JsonObject();
                foreach (var (name, property) in shape.Properties)
                {
                    if (Random.Next(5) != 0)
                    {
                        o[name] = FromShape(property, depth + 1);
                    }
                }

                if (Random.Next(6) == 0)
                {
                    o["unexpected"] = AnyValue(depth + 1);
                }

                return o;
            case "array":
                return new JsonArray([.. Enumerable.Range(0, Random.Next(4)).Select(_ => shape.Items is null ? AnyValue(depth + 1) : FromShape(shape.Items, depth + 1))]);
            case "integer":
                return JsonValue.Create(Random.Next(-2, 5_000));
            case "number":
                return JsonValue.Create(Random.NextDouble() * 10_000);
            case "boolean":
                return JsonValue.Create(Random.Next(2) == 0);
            case "string:date-time":
                return JsonValue.Create(DateTimeOffset.UtcNow.AddSeconds(-Random.Next(100_000)).ToString("O"));
            case "string":
                return JsonValue.Create(Text());
            default:
                return AnyValue(depth + 1);
        }
    }

    /// <summary>An event envelope: usually a plausible event of a known type, sometimes anything.</summary>
    public JsonNode? Event(IReadOnlyList<string> callIds)
    {
        if (Random.Next(15) == 0)
        {
            return AnyValue();
        }

        var e = new JsonObject
        {
            ["id"] = Random.Next(10) == 0 ? JsonValue.Create(Text()) : "fz-" + Random.Next(1_000_000).ToString(CultureInfo.InvariantCulture),
            ["callId"] = Random.Next(8) == 0 ? JsonValue.Create(Text()) : callIds[Random.Next(callIds.Count)],
            ["type"] = EventTypeNames[Random.Next(EventTypeNames.Length)],
            ["at"] = Random.Next(10) == 0 ? JsonValue.Create(Text()) : DateTimeOffset.UtcNow.AddSeconds(-Random.Next(1_000)).ToString("O"),
            ["data"] = Random.Next(10) == 0 ? AnyValue() : Object(1),
        };
        if (Random.Next(6) == 0)
        {
            e.Remove(new[] { "id", "callId", "type", "at", "data" }[Random.Next(5)]);
        }

        return e;
    }

    /// <summary>The bytes of a body: the JSON as it is, or damaged in the ways a hostile client damages it.</summary>
    public byte[] Damage(JsonNode? json)
    {
        var text = json?.ToJsonString() ?? "null";
        var bytes = Encoding.UTF8.GetBytes(text);
        return Random.Next(12) switch
        {
            0 => bytes[..Math.Max(0, bytes.Length - 1 - Random.Next(Math.Max(1, bytes.Length / 2)))],
            1 => Insert(bytes, [0xFF, 0xFE]),
            2 => Insert(bytes, [0xC3]),
            3 => Insert(bytes, "\\ud800"u8.ToArray()),
            4 => Encoding.UTF8.GetBytes(new string('[', 5_000) + new string(']', 5_000)),
            5 => [],
            6 => Encoding.UTF8.GetBytes("{\"a\":1,\"a\":2," + text.TrimStart('{')),
            _ => bytes,
        };
    }

    /// <summary>Puts <paramref name="damage"/> inside the first string of <paramref name="bytes"/> (or at the end).</summary>
    private byte[] Insert(byte[] bytes, byte[] damage)
    {
        var quotes = bytes.Select((b, i) => (b, i)).Where(x => x.b == (byte)'"').Select(x => x.i).ToList();
        var at = quotes.Count > 1 ? quotes[Random.Next(quotes.Count - 1)] + 1 : bytes.Length;
        return [.. bytes[..at], .. damage, .. bytes[at..]];
    }
}
