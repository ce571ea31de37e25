using Switchboard.Server.Insights;

namespace Switchboard.Server.Tests.Unit.Insights;

/// <summary>The embedded default on the constructions it was built for, each against what VADER alone says.</summary>
public sealed class ServiceSentimentTests
{
    private static readonly ServiceSentiment Model = new();
    private static readonly VaderSentiment Vader = new();

    [Theory]
    // text, the default's label, VADER's label
    [InlineData("I have now been on hold for forty minutes", "negative", "neutral")]
    [InlineData("My parcel was supposed to arrive on Monday.", "negative", "neutral")]
    [InlineData("This is the third time I'm calling about this.", "negative", "neutral")]
    [InlineData("Great, another delay. Just what I needed.", "negative", "positive")]
    [InlineData("I still haven't received my refund and nobody calls me back", "negative", "neutral")]
    [InlineData("Sort it out or I'll take my business elsewhere.", "negative", "neutral")]
    [InlineData("Can you help me reset my password, please?", "neutral", "positive")]
    [InlineData("I'd like to change my delivery address.", "neutral", "positive")]
    [InlineData("yeah that's fine, go ahead", "neutral", "positive")]
    [InlineData("That fixed it, thank you so much!", "positive", "positive")]
    [InlineData("The agent was not very helpful.", "negative", "negative")]
    [InlineData("@united where's my bag? it's been 3 days", "negative", "positive")]
    [InlineData("@united can you help me change my flight?", "neutral", "positive")]
    public void Reads_customer_service_constructions_where_vader_alone_does_not(string text, string expected, string vader)
    {
        Assert.Equal(vader, Vader.Score(text).Label);
        Assert.Equal(expected, ServiceSentiment.Label(Model.Score(text).Compound));
    }

    [Fact]
    public void A_positive_construction_after_a_negation_counts_against()
    {
        Assert.True(Model.Score("It was not so quick, was it").Compound < Model.Score("It was so quick").Compound);
        Assert.Equal("negative", ServiceSentiment.Label(Model.Score("that has not fixed it").Compound));
    }

    [Fact]
    public void A_constructions_family_counts_once_where_its_phrases_overlap()
    {
        var cues = ServiceCues.Parse(["-2\twaiting\tbeen waiting", "-2\twaiting\twaiting for", "-1\tother\tfor"]);
        var found = cues.Find(["ive", "been", "waiting", "for", "ages"]);
        Assert.Equal(["been waiting", "for"], found.Select(m => m.Phrase.Text));
    }

    [Fact]
    public void Optional_slots_numbers_and_anchors_match_as_written()
    {
        var cues = ServiceCues.Parse(["-1\td\t#n (more)? (days|weeks)", "0\tr\t^(can|could) you", "-1\te\tnothing$"]);
        Assert.Single(cues.Find(["three", "weeks"]));
        Assert.Single(cues.Find(["12", "more", "days"]));
        Assert.Empty(cues.Find(["many", "thanks"]));
        Assert.Single(cues.Find(["can", "you", "help"]));
        Assert.Empty(cues.Find(["how", "can", "you"]));
        Assert.Single(cues.Find(["still", "nothing"]));
        Assert.Empty(cues.Find(["nothing", "yet"]));
        // An addressee or a link (an empty token) is outside the text's start and end.
        Assert.Single(cues.Find(["", "can", "you", "help"]));
        Assert.Single(cues.Find(["still", "nothing", ""]));
    }

    [Theory]
    [InlineData("-2\twaiting", "line 1: expected 'valence TAB family TAB phrase'")]
    [InlineData("x\twaiting\ton hold", "line 1: expected")]
    [InlineData("-2\twaiting\t(on|at home) hold", "is not a word or a (one|of|these) slot")]
    [InlineData("-2\twaiting\t(on)?", "needs a required slot")]
    public void A_table_line_that_cannot_be_read_is_an_error_naming_the_line(string line, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => ServiceCues.Parse([line]));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_table_reads_and_every_phrase_can_match_its_own_words()
    {
        var cues = ServiceCues.Default;
        Assert.True(cues.Phrases.Count > 100);
        foreach (var phrase in cues.Phrases)
        {
            // The first word of every slot (numbers as "3"), which the phrase must match.
            var tokens = phrase.Slots.Select(s => s.Number ? "3" : s.Any ? "x" : s.Words!.First()).ToArray();
            Assert.Contains(cues.Find(tokens), m => m.Phrase.Family == phrase.Family);
        }
    }
}
