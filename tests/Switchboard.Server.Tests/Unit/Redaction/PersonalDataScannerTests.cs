using Switchboard.Server.Redaction;

namespace Switchboard.Server.Tests.Unit.Redaction;

public sealed class PersonalDataScannerTests
{
    private static string Mask(string text, PersonalDataKind kinds = PersonalDataKind.All) => PersonalDataScanner.Mask(text, kinds);

    [Theory]
    [InlineData("My card is 4111 1111 1111 1111.", "My card is [card ending 1111].")]
    [InlineData("4111-1111-1111-1111", "[card ending 1111]")]
    [InlineData("card number 4242424242424242 please", "card number [card ending 4242] please")]
    [InlineData("Amex 3782 822463 10005", "Amex [card ending 0005]")]
    [InlineData("It's 5555 5555 5555 4444, expiry 12/27", "It's [card ending 4444], expiry 12/27")]
    [InlineData("Discover:6011111111111117", "Discover:[card ending 1117]")]
    public void Card_numbers_as_written_are_masked_with_their_last_four_digits(string text, string expected) =>
        Assert.Equal(expected, Mask(text));

    [Theory]
    [InlineData("four one one one one one one one one one one one one one one one", "[card ending 1111]")]
    [InlineData("it is Four Two Four Two four two four two FOUR TWO four two four two four two.", "it is [card ending 4242].")]
    [InlineData("four two four two 4242 4242 4242", "[card ending 4242]")]
    [InlineData("four one double one one one one one one one one one one one one one", "[card ending 1111]")]
    [InlineData("4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1", "[card ending 1111]")]
    [InlineData("oh well, four one one one one one one one one one one one one one one one", "oh well, [card ending 1111]")]
    public void Card_numbers_spoken_digit_by_digit_are_masked(string text, string expected) =>
        Assert.Equal(expected, Mask(text));

    [Fact]
    public void Digits_said_right_after_a_card_go_with_it()
    {
        // Expiry and security code must not stay behind in the transcript either.
        Assert.Equal("[card ending 1111] thanks", Mask("4111 1111 1111 1111 12 27 123 thanks"));
        Assert.Equal("[card ending 1111]", Mask("four one one one one one one one one one one one one one one one one two two seven"));
    }

    [Theory]
    [InlineData("Your order number is 4111 1111 1111 1112")]
    [InlineData("tracking 1234567890123456")]
    [InlineData("four one one one one one one one one one one one one one one two")]
    [InlineData("ISBN 978-0-306-40615-7")]
    [InlineData("0000 0000 0000 0000")]
    [InlineData("at 2026-11-21T10:00:00.123Z")]
    [InlineData("4111.1111.1111.1111")]
    [InlineData("joined at 1700000000129 ms")]
    [InlineData("at 1732183200000005 µs")]
    [InlineData("fuel card 7111111111111114")]
    public void Numbers_that_fail_luhn_or_are_not_written_like_cards_are_left(string text) =>
        Assert.Same(text, Mask(text));

    [Theory]
    [InlineData("my SSN is 123-45-6789", "my SSN is [ssn]")]
    [InlineData("it's 078 05 1120 I think", "it's [ssn] I think")]
    [InlineData("social security number 123456789", "social security number [ssn]")]
    [InlineData("my social is one two three four five six seven eight nine", "my social is [ssn]")]
    public void Social_security_numbers_are_masked(string text, string expected) =>
        Assert.Equal(expected, Mask(text));

    [Theory]
    [InlineData("order 123456789")]
    [InlineData("000-12-3456")]
    [InlineData("666-12-3456")]
    [InlineData("912-34-5678")]
    [InlineData("123-00-4567")]
    [InlineData("123-45-0000")]
    [InlineData("123-45-6789-1234")]
    [InlineData("123-45 6789")]
    [InlineData("one two three four five six seven eight nine")]
    public void Nine_digits_without_the_shape_or_the_words_of_an_ssn_are_left(string text) =>
        Assert.Same(text, Mask(text));

    [Theory]
    [InlineData("+1 415 555 0123", "[phone]")]
    [InlineData("+44 20 7946 0958 is the office", "[phone] is the office")]
    [InlineData("+14155550123", "[phone]")]
    [InlineData("(415) 555-0123", "[phone]")]
    [InlineData("it's 415-555-0123.", "it's [phone].")]
    [InlineData("415.555.0123", "[phone]")]
    [InlineData("1-800-555-0199", "[phone]")]
    [InlineData("020 7946 0958", "[phone]")]
    [InlineData("07700 900123", "[phone]")]
    [InlineData("06 12 34 56 78", "[phone]")]
    [InlineData("call me on 4155550123", "call me on [phone]")]
    [InlineData("about my order, you can reach me at 4155550123", "about my order, you can reach me at [phone]")]
    [InlineData("my phone number is four one five five five five zero one two three", "my phone number is [phone]")]
    [InlineData("my mobile is oh seven seven oh oh nine oh oh one two three", "my mobile is [phone]")]
    [InlineData("Mobile: oh-seven-seven-oh-oh-nine-oh-oh-one-two-three", "Mobile: [phone]")]
    [InlineData("MY CELL IS OH SEVEN SEVEN OH OH NINE OH OH ONE TWO THREE", "MY CELL IS [phone]")]
    [InlineData("415-555-0123 or 415-555-9876", "[phone] or [phone]")]
    [InlineData("ref 12 415-555-0123", "ref 12 [phone]")]
    [InlineData("sip_+15105550100", "sip_[phone]")]
    public void Phone_numbers_are_masked(string text, string expected) =>
        Assert.Equal(expected, Mask(text));

    [Theory]
    [InlineData("order 4155550123")]
    [InlineData("I'm calling about order 4155550123")]
    [InlineData("call me about case number 4155550123")]
    [InlineData("123-456-7890")]
    [InlineData("415-555-0123-9")]
    [InlineData("version 1.2.3.4")]
    [InlineData("1234 5678")]
    [InlineData("+123 is short")]
    [InlineData("Oh, one two three four five six seven eight nine ten")]
    [InlineData("we have 12 rooms, 4 floors and 3 pools in 2 towns")]
    public void Digit_runs_that_are_not_phone_numbers_are_left(string text) =>
        Assert.Same(text, Mask(text));

    [Theory]
    [InlineData("write to jane.doe+billing@example.co.uk.", "write to [email].")]
    [InlineData("4155550123@txt.example.com", "[email]")]
    [InlineData("mail: J_Smith@Example.ORG, thanks", "mail: [email], thanks")]
    public void Email_addresses_are_masked(string text, string expected) =>
        Assert.Equal(expected, Mask(text));

    [Theory]
    [InlineData("meet me @home")]
    [InlineData("user@localhost")]
    [InlineData("a@b")]
    [InlineData("price@5.00 each")]
    [InlineData("john at gmail dot com")]
    public void Text_that_is_not_an_email_address_is_left(string text) =>
        Assert.Same(text, Mask(text));

    [Fact]
    public void Only_the_kinds_asked_for_are_masked()
    {
        const string text = "card 4111111111111111, call (415) 555-0123, ssn 123-45-6789, mail a@example.com";

        Assert.Equal("card [card ending 1111], call (415) 555-0123, ssn 123-45-6789, mail a@example.com", Mask(text, PersonalDataKind.Card));
        Assert.Equal("card 4111111111111111, call [phone], ssn 123-45-6789, mail [email]", Mask(text, PersonalDataKind.Phone | PersonalDataKind.Email));
        Assert.Equal("card [card ending 1111], call [phone], ssn [ssn], mail [email]", Mask(text));
        Assert.Same(text, Mask(text, PersonalDataKind.None));
    }

    [Fact]
    public void Finds_are_reported_in_text_order_with_their_kind()
    {
        var matches = new List<PersonalDataMatch>();

        PersonalDataScanner.Find("a@example.com then 4242 4242 4242 4242 then b@example.com", PersonalDataKind.All, matches);

        Assert.Equal([PersonalDataKind.Email, PersonalDataKind.Card, PersonalDataKind.Email], matches.Select(m => m.Kind));
        Assert.Equal(4242, matches[1].CardLastFour);
    }

    [Fact]
    public void Any_text_is_looked_at_without_failing_and_masking_twice_changes_nothing()
    {
        // Ingest runs this on every string of every event: no input may make it throw.
        string[] pieces = ["4", "1", "0", "9", "4111", "555", "0123", " ", "  ", "-", ".", ",", "(", ")", "+", "@", "a", "b.co", "x",
            "one", "oh", "Four", "double", "triple", "nine", "call", "social", "order", "é", "'", "\n", "\\", "\u2014", "\ud83d"];
        var random = new Random(20261201);
        for (var n = 0; n < 20_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => pieces[random.Next(pieces.Length)]));

            var masked = Mask(text);

            Assert.Equal(masked, Mask(masked));
        }
    }
}
