using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Server.Insights;

namespace Switchboard.Bench.Sentiment;

/// <summary>
/// Accuracy and macro-F1 of every available classifier on every labelled set shipped in
/// tests/data/sentiment, with the per-utterance cost of each: VADER (the reference), the embedded
/// default, and — when given — an ONNX model (<c>--onnx MODEL.onnx --onnx-labels negative,neutral,positive</c>)
/// and a chat model (<c>--llm-url URL --llm-model NAME [--llm-key KEY]</c>). The default is rule-based and
/// trains on nothing; its rules were written against <c>customer-service-dev.tsv</c>, so
/// <c>customer-service-test.tsv</c> (written separately and not read while writing them) is its held-out figure.
/// <c>--errors N</c> prints the default's first N mistakes on the development set.
/// </summary>
internal static class Accuracy
{
    public static async Task RunAsync(string[] args, string directory)
    {
        string? Arg(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        var vader = new VaderSentiment();
        var service = new ServiceSentiment(vader, ServiceCues.Default);
        var classifiers = new List<(string Name, Func<IReadOnlyList<string>, IReadOnlyList<string>> Classify)>
        {
            ("vader-3.3.2 (reference)", texts => texts.Select(t => vader.Score(t).Label).ToList()),
            ($"{ServiceSentiment.ModelName} (default)", texts => texts.Select(t => ServiceSentiment.Label(service.Score(t).Compound)).ToList()),
        };

        var disposables = new List<IDisposable>();
        if (Arg("--onnx") is { } model)
        {
            var onnx = new OnnxSentimentClassifier(
                new OnnxClassifierOptions { ModelPath = model, Labels = [.. (Arg("--onnx-labels") ?? "negative,neutral,positive").Split(',')] },
                new EmbeddedClassifier(service),
                NullLogger.Instance);
            disposables.Add(onnx);
            classifiers.Add(($"onnx {onnx.Model}", texts => texts.Chunk(16).SelectMany(chunk => onnx.ClassifyBatch(chunk)).Select(r => r.Label).ToList()));
        }

        if (Arg("--llm-url") is { } url && Arg("--llm-model") is { } llmModel)
        {
            var options = new InsightsOptions { Llm = new LlmClassifierOptions { Enabled = true, BaseUrl = url, Model = llmModel, ApiKey = Arg("--llm-key"), TimeoutMilliseconds = 30_000 } };
            var chat = new ChatSentimentClassifier(Microsoft.Extensions.Options.Options.Create(options), new EmbeddedClassifier(service), NullLogger<ChatSentimentClassifier>.Instance);
            disposables.Add(chat);
            classifiers.Add(($"llm {llmModel}", texts => texts.Select(t => chat.ClassifyAsync(t, CancellationToken.None).AsTask().GetAwaiter().GetResult().Label).ToList()));
        }

        if (Arg("--explain") is { } explain)
        {
            foreach (var text in explain.Split('|'))
            {
                var tokens = new VaderSentiment().Score(text);
                var found = ServiceCues.Default.Find(text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => ServiceCues.Normalise(t.Trim('.', ',', '!', '?', '"'))).ToArray());
                Console.WriteLine($"{service.Score(text).Compound:0.000} vader {tokens.Compound:0.000} :: {text}");
                foreach (var m in found)
                {
                    Console.WriteLine($"    {m.Phrase.Valence} {ServiceCues.Default.Families[m.Phrase.Family]}{(m.Phrase.Conditional ? "?" : "")} [{m.Start},{m.End}) {m.Phrase.Text}");
                }
            }

            return;
        }

        var sets = Directory.GetFiles(directory, "*_GroundTruth.txt").Concat(Directory.GetFiles(directory, "*.tsv")).Order(StringComparer.Ordinal).ToList();
        Console.WriteLine();
        Console.WriteLine("Accuracy on the shipped labelled sets (three classes; macro-F1 = unweighted mean of the classes' F1)");
        Console.WriteLine($"  {"set",-38} {"classifier",-34} {"n",6} {"accuracy",9} {"macro-F1",9} {"F1 neg/neu/pos",18} {"µs/utterance",13}");
        foreach (var path in sets)
        {
            var sentences = SentimentEvaluation.Load(path);
            var texts = sentences.Select(s => s.Text).ToList();
            foreach (var (name, classify) in classifiers)
            {
                classify(texts.Take(50).ToList()); // warm-up
                var stopwatch = Stopwatch.StartNew();
                var predicted = classify(texts);
                stopwatch.Stop();
                var result = SentimentEvaluation.Compare(sentences, predicted);
                var f1 = string.Join('/', SentimentEvaluation.Labels.Select(l => result.Classes[l].F1.ToString("0.00", CultureInfo.InvariantCulture)));
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {Path.GetFileName(path),-38} {name,-34} {result.Sentences,6} {result.Accuracy,9:0.0000} {result.MacroF1,9:0.0000} {f1,18} {stopwatch.Elapsed.TotalMicroseconds / texts.Count,13:0.00}"));
            }
        }

        if (Arg("--errors") is { } errors && sets.FirstOrDefault(s => s.EndsWith("customer-service-dev.tsv", StringComparison.Ordinal)) is { } dev)
        {
            foreach (var s in SentimentEvaluation.Load(dev).Select(s => (s, score: service.Score(s.Text).Compound)).Where(x => ServiceSentiment.Label(x.score) != x.s.Label).Take(int.Parse(errors, CultureInfo.InvariantCulture)))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {s.s.Label,-8} {s.score,7:0.000}  {s.s.Text}"));
            }
        }

        foreach (var d in disposables)
        {
            d.Dispose();
        }

        await Task.CompletedTask;
    }
}
