using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Redaction;

namespace Switchboard.Server.Tests.Unit.Redaction;

public sealed class PayloadRedactionTests
{
    [Fact]
    public void A_card_deep_in_tool_arguments_is_masked_and_everything_else_kept()
    {
        var data = JsonElement.Parse("""
            {"toolCallId":"t1","name":"take_payment","arguments":{"card":{"number":"4111 1111 1111 1111","expiry":"12/27"},"amount":12.5,"items":["a","b"],"ok":true}}
            """);

        Assert.True(PayloadRedaction.TryMask(data, PersonalDataKind.Card, out var masked));

        Assert.Equal(
            """{"toolCallId":"t1","name":"take_payment","arguments":{"card":{"number":"[card ending 1111]","expiry":"12/27"},"amount":12.5,"items":["a","b"],"ok":true}}""",
            masked.GetRawText());
    }

    [Fact]
    public void A_card_sent_as_a_json_number_becomes_its_mask()
    {
        var data = JsonElement.Parse("""{"pan":4242424242424242,"orderId":4111111111111112,"atMs":1700000000129}""");

        Assert.True(PayloadRedaction.TryMask(data, PersonalDataKind.Card, out var masked));

        Assert.Equal("[card ending 4242]", masked.GetProperty("pan").GetString());
        Assert.Equal(4111111111111112, masked.GetProperty("orderId").GetInt64());
        Assert.Equal(1700000000129, masked.GetProperty("atMs").GetInt64());
    }

    [Fact]
    public void Escaped_strings_are_looked_at_unescaped()
    {
        // System.Text.Json writes ' and + as \u0027 and \u002B by default, as the .NET SDK sends them.
        var data = JsonSerializer.SerializeToElement(new { text = "I'm on +44 20 7946 0958, it's urgent" }, ContractJson.Options);
        Assert.Contains("\\u0027", data.GetRawText(), StringComparison.Ordinal);

        Assert.True(PayloadRedaction.TryMask(data, PersonalDataKind.Phone, out var masked));

        Assert.Equal("I'm on [phone], it's urgent", masked.GetProperty("text").GetString());
    }

    [Fact]
    public void A_payload_without_personal_data_is_not_rewritten()
    {
        var data = JsonElement.Parse("""{"speaker":"customer","segmentId":"s-1","text":"I'd like to move my appointment to 3 pm","startedAt":"2026-11-21T10:00:00.123Z"}""");

        Assert.False(PayloadRedaction.TryMask(data, PersonalDataKind.All, out var masked));

        Assert.Equal(data.GetRawText(), masked.GetRawText());
    }

    [Fact]
    public void A_string_in_a_payload_is_masked_exactly_as_the_same_text()
    {
        // Serialised, the pieces come out escaped (\u0027, \u002B, \u00E9, \n, \\): read back unescaped.
        string[] pieces = ["4", "1", "5", "4111", "555", "0123", " ", "-", "(", ")", "+", "@", "ann", "example.com", "one", "oh", "four",
            "call", "social", "'", "é", "\n", "\\", "\"", "—"];
        var random = new Random(1201);
        for (var n = 0; n < 5_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => pieces[random.Next(pieces.Length)]));
            var data = JsonSerializer.SerializeToElement(new { text }, ContractJson.Options);

            var expected = PersonalDataScanner.Mask(text, PersonalDataKind.All);
            var masked = PayloadRedaction.TryMask(data, PersonalDataKind.All, out var shown);

            Assert.Equal(!ReferenceEquals(expected, text), masked);
            Assert.Equal(expected, shown.GetProperty("text").GetString());
        }
    }
}
