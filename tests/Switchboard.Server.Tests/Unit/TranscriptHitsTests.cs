using Switchboard.Server.Archive;

namespace Switchboard.Server.Tests.Unit;

public sealed class TranscriptHitsTests
{
    [Theory]
    [InlineData("refund", "I want my refunds now", "refunds")]
    [InlineData("refunds", "Was the refund sent?", "refund")]
    [InlineData("charges", "It was charged twice, two charges", "charged|charges")]
    [InlineData("cancel", "Cancelling is fine, I cancelled before", "Cancelling|cancelled")]
    [InlineData("Refund, ORDER", "order refunded", "order|refunded")]
    [InlineData("don't", "I don't know", "don't")]
    public void A_word_is_marked_when_it_shares_the_searched_words_stem(string q, string line, string marked)
    {
        var marks = TranscriptHits.Marks(line, TranscriptHits.Stems(q));
        Assert.Equal(marked.Split('|'), marks.Select(m => line.Substring(m.Start, m.Length)));
    }

    [Theory]
    [InlineData("cat", "Our catalogue is online")]
    [InlineData("refund", "The fund is closed")]
    [InlineData("the", "The order is late")]
    public void Other_words_are_not_marked(string q, string line) =>
        Assert.Empty(TranscriptHits.Marks(line, TranscriptHits.Stems(q)));
}
