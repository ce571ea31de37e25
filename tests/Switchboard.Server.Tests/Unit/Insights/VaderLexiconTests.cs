using Switchboard.Server.Insights;

namespace Switchboard.Server.Tests.Unit.Insights;

public sealed class VaderLexiconTests
{
    private static readonly VaderLexicon Lexicon = VaderLexicon.Default;

    [Fact]
    public void The_published_data_files_are_embedded_and_complete()
    {
        // 7,520 rows, 14 of them repeating an earlier token.
        Assert.Equal(7506, Lexicon.Valences.Count);
        Assert.Equal(3570, Lexicon.Emoji.Count);
        Assert.Equal(59, Lexicon.Negations.Count);
        Assert.Equal(84, Lexicon.Degrees.Count);
        Assert.Equal(10, Lexicon.Idioms.Count);
    }

    [Fact]
    public void A_repeated_token_takes_its_last_rating_as_the_published_loader_does()
    {
        Assert.Equal(1.8, Lexicon.Valences["lol"]);
        Assert.Equal(1.2, Lexicon.Valences["ok"]);
    }

    [Fact]
    public void Modifiers_carry_the_published_constants()
    {
        Assert.Equal(VaderSentiment.BoosterStep, Lexicon.Degrees["very"]);
        Assert.Equal(-VaderSentiment.BoosterStep, Lexicon.Degrees["kind of"]);
        Assert.Contains("never", Lexicon.Negations);
        Assert.Equal(-2, Lexicon.Idioms["yeah right"]);
    }
}
