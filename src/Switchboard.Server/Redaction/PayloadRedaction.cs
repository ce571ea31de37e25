using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Switchboard.Server.Redaction;

/// <summary>
/// Personal data in an event's JSON payload: every string value at any depth (a card number can
/// sit in a payment tool's arguments), and integers of card length. Looking costs no allocation:
/// strings are read from the payload's UTF-8 bytes into a stack buffer. Only a payload with a find
/// is written again, with each find masked.
/// </summary>
public static class PayloadRedaction
{
    private const int StackChars = 1024;

    /// <summary>True when some value of <paramref name="data"/> holds personal data of the kinds.</summary>
    public static bool Contains(JsonElement data, PersonalDataKind kinds)
    {
        switch (data.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in data.EnumerateObject())
                {
                    if (Contains(property.Value, kinds))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in data.EnumerateArray())
                {
                    if (Contains(item, kinds))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.String:
                return StringContains(data, kinds);
            case JsonValueKind.Number:
                return (kinds & PersonalDataKind.Card) != 0 && NumberRules.IsCardNumber(JsonMarshal.GetRawUtf8Value(data), out _);
            default:
                return false;
        }
    }

    /// <summary>
    /// Masks every find in <paramref name="data"/>. Returns false, and <paramref name="masked"/> =
    /// <paramref name="data"/>, when there is none.
    /// </summary>
    public static bool TryMask(JsonElement data, PersonalDataKind kinds, out JsonElement masked)
    {
        masked = data;
        if (kinds == PersonalDataKind.None || !Contains(data, kinds))
        {
            return false;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, data, kinds);
        }

        masked = JsonElement.Parse(buffer.WrittenSpan);
        return true;
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value, PersonalDataKind kinds)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, kinds);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item, kinds);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(PersonalDataScanner.Mask(value.GetString()!, kinds));
                break;
            case JsonValueKind.Number when (kinds & PersonalDataKind.Card) != 0 && NumberRules.IsCardNumber(JsonMarshal.GetRawUtf8Value(value), out var lastFour):
                writer.WriteStringValue(new PersonalDataMatch(0, 0, PersonalDataKind.Card, lastFour).Mask);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static bool StringContains(JsonElement value, PersonalDataKind kinds)
    {
        // The raw value keeps its quotes, and has at least as many bytes as the text has characters.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length - 2 < PersonalDataScanner.ShortestText(kinds))
        {
            return false;
        }

        var content = raw[1..^1];
        char[]? rented = null;
        var chars = content.Length <= StackChars ? stackalloc char[content.Length] : (rented = ArrayPool<char>.Shared.Rent(content.Length));
        try
        {
            var text = Ascii.ToUtf16(content, chars, out var length) == OperationStatus.Done
                ? chars[..length]
                : chars[..Encoding.UTF8.GetChars(content, chars)];

            // Many serialisers escape ' and + (\u0027, \u002B), and a timestamp's offset has a +.
            if (text.Contains('\\'))
            {
                text = text[..JsonUnescape.InPlace(text)];
            }

            return PersonalDataScanner.Contains(text, kinds);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
