using System.Globalization;
using Switchboard.Server.Insights;

namespace Switchboard.Server.Tests.Unit.Insights;

/// <summary>
/// Three-way accuracy and macro-F1 of VADER on human-labelled sentences (tests/data/sentiment,
/// README there): fails if either drops below the figures recorded in docs/SENTIMENT.md.
/// </summary>
public sealed class SentimentAccuracyTests
{
    [Theory]
    // set, sentences, correct (recorded), macro-F1 (recorded, truncated to four places)
    [InlineData("tweets_GroundTruth.txt", 4200, 3464, 0.7014)]
    [InlineData("amazonReviewSnippets_GroundTruth.txt", 3708, 2218, 0.5589)]
    public void Accuracy_and_macro_F1_do_not_drop_below_the_recorded_figures(string file, int sentences, int recordedCorrect, double recordedMacroF1)
    {
        var result = SentimentEvaluation.Run(Path.Combine(AppContext.BaseDirectory, "data", "sentiment", file), new VaderSentiment());

        Assert.Equal(sentences, result.Sentences);
        Assert.True(result.Correct >= recordedCorrect, $"{file}: {result.Correct} of {sentences} correct, recorded {recordedCorrect}.");
        Assert.True(result.MacroF1 >= recordedMacroF1, $"{file}: macro-F1 {result.MacroF1:0.0000}, recorded {recordedMacroF1:0.0000}.");
    }
}

/// <summary>Scores a ground-truth file (id, mean human rating -4 … 4, text) against the three labels.</summary>
internal static class SentimentEvaluation
{
    /// <summary>A mean human rating at or beyond ±this is positive or negative; nearer zero, neutral.</summary>
    public const double GoldThreshold = 0.5;

    public static (int Sentences, int Correct, double Accuracy, double MacroF1) Run(string path, VaderSentiment vader)
    {
        string[] labels = [SentimentLabel.Negative, SentimentLabel.Neutral, SentimentLabel.Positive];
        var counts = new int[3, 3];
        var sentences = 0;
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split('\t', 3);
            if (fields.Length < 3)
            {
                continue;
            }

            var rating = double.Parse(fields[1], CultureInfo.InvariantCulture);
            var gold = rating >= GoldThreshold ? 2 : rating <= -GoldThreshold ? 0 : 1;
            var predicted = Array.IndexOf(labels, vader.Score(fields[2]).Label);
            counts[gold, predicted]++;
            sentences++;
        }

        var correct = 0;
        var f1 = 0.0;
        for (var k = 0; k < 3; k++)
        {
            correct += counts[k, k];
            double truePositive = counts[k, k], predictedK = 0, actualK = 0;
            for (var j = 0; j < 3; j++)
            {
                predictedK += counts[j, k];
                actualK += counts[k, j];
            }

            var precision = predictedK == 0 ? 0 : truePositive / predictedK;
            var recall = actualK == 0 ? 0 : truePositive / actualK;
            f1 += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }

        return (sentences, correct, (double)correct / sentences, f1 / 3);
    }
}
