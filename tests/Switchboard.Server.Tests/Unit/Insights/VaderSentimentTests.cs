using Switchboard.Server.Insights;

namespace Switchboard.Server.Tests.Unit.Insights;

/// <summary>
/// Expected compound scores derived by hand from the rules and the lexicon
/// (good 1.9, horrible -2.5, helpful 1.8, like 1.5, problem -1.7, no -1.2, :) 2.0, grinning 1.5;
/// the other words are not in it): compound = s / √(s² + 15), rounded to four places.
/// </summary>
public sealed class VaderSentimentTests
{
    private static readonly VaderSentiment Vader = new();

    [Theory]
    // s = 1.9 → 1.9 / √18.61
    [InlineData("The book was good.", 0.4404)]
    // a lone lexicon word in capitals is not emphasis: every word is in capitals
    [InlineData("GOOD", 0.4404)]
    // a single question mark adds nothing
    [InlineData("Is the book good?", 0.4404)]
    public void Plain_lexicon_word(string text, double expected) => Assert.Equal(expected, Vader.Score(text).Compound);

    [Theory]
    // "not" right before: 1.9 × -0.74 = -1.406
    [InlineData("The book was not good.", -0.3412)]
    // a contraction with n't negates too
    [InlineData("It isn't good.", -0.3412)]
    // negation two words back, after a booster: (1.5 + 0.293) × -0.74 = -1.32682
    [InlineData("I do not really like it.", -0.3241)]
    // "no" before a lexicon word negates it and loses its own valence: -1.7 × -0.74 = 1.258
    [InlineData("There is no problem.", 0.3089)]
    public void Negation_within_three_words(string text, double expected) => Assert.Equal(expected, Vader.Score(text).Compound);

    [Theory]
    // booster: 1.9 + 0.293 = 2.193
    [InlineData("The book was very good.", 0.4927)]
    // two-word dampener "kind of" (the idiom step): 1.9 - 0.293 = 1.607
    [InlineData("The book was kind of good.", 0.3832)]
    // a booster in capitals among lower case adds the capitals step too: 1.9 + 0.293 + 0.733 = 2.926
    [InlineData("The book was VERY good.", 0.6028)]
    public void Intensifiers_and_dampeners(string text, double expected) => Assert.Equal(expected, Vader.Score(text).Compound);

    [Fact]
    public void But_halves_what_comes_before_and_weighs_what_follows_one_and_a_half_times()
    {
        // good 1.9 × 0.5 + horrible -2.5 × 1.5 = -2.8
        Assert.Equal(-0.5859, Vader.Score("The food was good, but the service was horrible.").Compound);
    }

    [Fact]
    public void Capitals_among_lower_case_words_emphasise()
    {
        // 1.9 + 0.733 = 2.633
        Assert.Equal(0.5622, Vader.Score("The book was GOOD.").Compound);
    }

    [Theory]
    // each ! adds 0.292 to the sum: 1.9 + 0.292
    [InlineData("The book was good!", 0.4926)]
    [InlineData("The book was good!!!", 0.5826)]
    // at most four count: 1.9 + 4 × 0.292 = 3.068
    [InlineData("The book was good!!!!!!", 0.6209)]
    // two or three ? add 0.18 each: 1.9 + 0.36
    [InlineData("Is the book good??", 0.504)]
    // four or more add 0.96: 1.9 + 0.96
    [InlineData("Is the book good????", 0.594)]
    public void Punctuation_amplifies(string text, double expected) => Assert.Equal(expected, Vader.Score(text).Compound);

    [Fact]
    public void Punctuation_amplifies_negative_sentiment_away_from_zero()
    {
        // -1.406 - 0.292 = -1.698 → -1.698 / √(2.883204 + 15)
        Assert.Equal(-0.4015, Vader.Score("The book was not good!").Compound);
    }

    [Fact]
    public void Least_negates_except_after_at()
    {
        // 1.8 × -0.74 = -1.332
        Assert.Equal(-0.3252, Vader.Score("This is the least helpful answer.").Compound);
    }

    [Theory]
    // the emoticon is a lexicon entry: 2.0
    [InlineData("I got it :)", 0.4588)]
    // the emoji becomes its description "grinning face": grinning 1.5
    [InlineData("\U0001F600", 0.3612)]
    public void Emoticons_and_emoji(string text, double expected) => Assert.Equal(expected, Vader.Score(text).Compound);

    [Fact]
    public void Short_words_before_punctuation_still_count()
    {
        // "No." is the word "no" (-1.2), not an unknown token
        Assert.Equal(-0.296, Vader.Score("No.").Compound);
    }

    [Fact]
    public void Proportions_count_each_sentiment_word_one_more_than_its_valence()
    {
        // positive 1.9 + 1 = 2.9, neutral 3 words: 2.9 / 5.9 and 3 / 5.9
        var scores = Vader.Score("The book was good.");
        Assert.Equal(0.492, scores.Positive);
        Assert.Equal(0.508, scores.Neutral);
        Assert.Equal(0, scores.Negative);
    }

    [Theory]
    [InlineData("", "neutral")]
    [InlineData("My delivery arrives on Tuesday.", "neutral")]
    [InlineData("Thanks so much, that's great!", "positive")]
    [InlineData("This is absolutely terrible, I'm angry.", "negative")]
    public void Labels_use_the_published_thresholds(string text, string label) => Assert.Equal(label, Vader.Score(text).Label);

    [Theory]
    [InlineData(0.05, "positive")]
    [InlineData(0.0499, "neutral")]
    [InlineData(-0.0499, "neutral")]
    [InlineData(-0.05, "negative")]
    public void Label_thresholds_are_inclusive(double compound, string label) => Assert.Equal(label, SentimentLabel.FromCompound(compound));
}
