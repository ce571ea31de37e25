using System.Globalization;

namespace Switchboard.Server.Insights;

/// <summary>One human-labelled sentence.</summary>
public sealed record LabelledSentence(string Text, string Label);

/// <summary>How a classifier did on a labelled set: three-way accuracy, macro-F1 and each class's precision, recall and F1.</summary>
public sealed record SentimentEvaluationResult(int Sentences, int Correct, double MacroF1, IReadOnlyDictionary<string, (double Precision, double Recall, double F1)> Classes)
{
    /// <summary>Share of sentences labelled as the raters did.</summary>
    public double Accuracy => Sentences == 0 ? 0 : (double)Correct / Sentences;
}

/// <summary>
/// Reads the labelled sets shipped in <c>tests/data/sentiment</c> and measures a classifier on them.
/// Two formats: VADER's ground truth (<c>id TAB mean rating TAB text</c>, the rating mapped to three
/// classes at ±0.5) and <c>label TAB text</c> (<c>.tsv</c>).
/// </summary>
public static class SentimentEvaluation
{
    /// <summary>A mean human rating at or beyond ±this is positive or negative; nearer zero, neutral.</summary>
    public const double GoldThreshold = 0.5;

    /// <summary>The three labels, in the order the confusion matrix uses.</summary>
    public static readonly string[] Labels = [SentimentLabel.Negative, SentimentLabel.Neutral, SentimentLabel.Positive];

    /// <summary>Reads one set; lines that are not in its format are skipped.</summary>
    public static List<LabelledSentence> Load(string path)
    {
        var sentences = new List<LabelledSentence>();
        var tsv = path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split('\t', tsv ? 2 : 3);
            if (tsv && fields.Length == 2 && Labels.Contains(fields[0]))
            {
                sentences.Add(new LabelledSentence(fields[1], fields[0]));
            }
            else if (!tsv && fields.Length == 3 && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rating))
            {
                var label = rating >= GoldThreshold ? SentimentLabel.Positive : rating <= -GoldThreshold ? SentimentLabel.Negative : SentimentLabel.Neutral;
                sentences.Add(new LabelledSentence(fields[2], label));
            }
        }

        return sentences;
    }

    /// <summary>Labels every sentence with <paramref name="classify"/> and compares with the raters'.</summary>
    public static SentimentEvaluationResult Evaluate(IReadOnlyList<LabelledSentence> sentences, Func<string, string> classify)
    {
        var predicted = sentences.Select(s => classify(s.Text)).ToList();
        return Compare(sentences, predicted);
    }

    /// <summary>Compares predicted labels with the raters', sentence by sentence.</summary>
    public static SentimentEvaluationResult Compare(IReadOnlyList<LabelledSentence> sentences, IReadOnlyList<string> predicted)
    {
        var counts = new int[3, 3];
        for (var i = 0; i < sentences.Count; i++)
        {
            counts[Array.IndexOf(Labels, sentences[i].Label), Math.Max(0, Array.IndexOf(Labels, predicted[i]))]++;
        }

        var correct = 0;
        var f1Sum = 0.0;
        var classes = new Dictionary<string, (double, double, double)>();
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
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            f1Sum += f1;
            classes[Labels[k]] = (precision, recall, f1);
        }

        return new SentimentEvaluationResult(sentences.Count, correct, f1Sum / 3, classes);
    }
}
