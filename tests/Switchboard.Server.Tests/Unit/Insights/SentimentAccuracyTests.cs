using Switchboard.Server.Insights;

namespace Switchboard.Server.Tests.Unit.Insights;

/// <summary>
/// Three-way accuracy and macro-F1 on the labelled sets in tests/data/sentiment (README there) of
/// the embedded default and of VADER, the reference it builds on: fails if a figure drops below the
/// one recorded in docs/SENTIMENT.md.
/// </summary>
public sealed class SentimentAccuracyTests
{
    private static readonly ServiceSentiment Default = new();
    private static readonly VaderSentiment Vader = new();

    [Theory]
    // model, set, sentences, correct (recorded), macro-F1 (recorded, truncated to four places)
    [InlineData("default", "customer-service-test.tsv", 450, 392, 0.8704)]
    [InlineData("default", "customer-service-dev.tsv", 450, 428, 0.9509)]
    [InlineData("default", "tweets_GroundTruth.txt", 4200, 3268, 0.7028)]
    [InlineData("default", "amazonReviewSnippets_GroundTruth.txt", 3708, 2173, 0.5608)]
    [InlineData("vader", "customer-service-test.tsv", 450, 278, 0.6065)]
    [InlineData("vader", "customer-service-dev.tsv", 450, 274, 0.5879)]
    [InlineData("vader", "tweets_GroundTruth.txt", 4200, 3464, 0.7014)]
    [InlineData("vader", "amazonReviewSnippets_GroundTruth.txt", 3708, 2218, 0.5589)]
    public void Accuracy_and_macro_F1_do_not_drop_below_the_recorded_figures(string model, string file, int sentences, int recordedCorrect, double recordedMacroF1)
    {
        Func<string, string> classify = model == "vader" ? t => Vader.Score(t).Label : t => ServiceSentiment.Label(Default.Score(t).Compound);
        var result = SentimentEvaluation.Evaluate(SentimentEvaluation.Load(Path.Combine(AppContext.BaseDirectory, "data", "sentiment", file)), classify);

        Assert.Equal(sentences, result.Sentences);
        Assert.True(result.Correct >= recordedCorrect, $"{model} on {file}: {result.Correct} of {sentences} correct, recorded {recordedCorrect}.");
        Assert.True(result.MacroF1 >= recordedMacroF1, $"{model} on {file}: macro-F1 {result.MacroF1:0.0000}, recorded {recordedMacroF1:0.0000}.");
    }

    [Fact]
    public void The_customer_service_sets_are_balanced_and_labelled_with_the_three_classes()
    {
        foreach (var file in (string[])["customer-service-dev.tsv", "customer-service-test.tsv"])
        {
            var sentences = SentimentEvaluation.Load(Path.Combine(AppContext.BaseDirectory, "data", "sentiment", file));
            Assert.Equal(450, sentences.Count);
            Assert.All(SentimentEvaluation.Labels, l => Assert.Equal(150, sentences.Count(s => s.Label == l)));
            Assert.Equal(450, sentences.Select(s => s.Text).Distinct().Count());
        }
    }
}
