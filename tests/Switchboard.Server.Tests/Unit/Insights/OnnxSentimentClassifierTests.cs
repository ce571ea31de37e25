using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Server.Insights;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Unit.Insights;

/// <summary>
/// <c>Insights:Onnx</c> on a tiny model of a real export's shape (<see cref="TinySentimentModel"/>):
/// the real ONNX Runtime loads and runs it, the real tokenizers read its files, batches are padded
/// and masked, and the outputs mean what <c>Labels</c> says.
/// </summary>
public sealed class OnnxSentimentClassifierTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "switchboard-onnx-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private OnnxSentimentClassifier Create(string model, IEnumerable<string>? labels = null, int batchSize = 16, int maxTokens = 128) =>
        new(new OnnxClassifierOptions { ModelPath = model, Labels = [.. labels ?? TinySentimentModel.Outputs], BatchSize = batchSize, MaxTokens = maxTokens }, new EmbeddedClassifier(new ServiceSentiment()), NullLogger.Instance);

    [Fact]
    public void Robertas_byte_level_tokenizer_is_read_from_its_files_and_wraps_the_text_in_start_and_end_tokens()
    {
        var model = TinySentimentModel.WriteRoberta(_folder);
        var vocabulary = TinySentimentModel.ReadVocabulary(_folder);
        var tokenizer = SentenceTokenizer.Load(_folder, maxTokens: 128);
        Assert.Equal("bpe", tokenizer.Kind);
        Assert.Equal(vocabulary["<pad>"], tokenizer.PadId);
        // "great" at the start is one token; " awful" is the space symbol and then the word.
        var ids = tokenizer.Encode("great awful");
        Assert.Equal([vocabulary["<s>"], vocabulary["great"], vocabulary["Ġ"], vocabulary["awful"], vocabulary["</s>"]], ids);
        Assert.True(File.Exists(model));
    }

    [Fact]
    public void Long_utterances_are_cut_to_the_longest_input_keeping_the_end_token()
    {
        TinySentimentModel.WriteRoberta(_folder);
        var tokenizer = SentenceTokenizer.Load(_folder, maxTokens: 8);
        var ids = tokenizer.Encode(string.Join(' ', Enumerable.Repeat("order", 50)));
        Assert.Equal(8, ids.Length);
        Assert.Equal(0, ids[0]);
        Assert.Equal(2, ids[^1]);
    }

    [Fact]
    public void A_batch_of_utterances_of_different_lengths_is_padded_and_masked_and_each_gets_its_own_label()
    {
        using var classifier = Create(TinySentimentModel.WriteRoberta(_folder));
        string[] texts = ["great", "I have been waiting for two hours and it is awful", "please change my address on the order", "thanks, that was great"];
        var batch = classifier.ClassifyBatch(texts);
        Assert.Equal(["positive", "negative", "neutral", "positive"], batch.Select(r => r.Label));
        Assert.All(batch, r => Assert.Equal("tiny-sentiment", r.Model));
        Assert.True(batch[0].Score > 0.8 && batch[1].Score < -0.8, $"{batch[0].Score} {batch[1].Score}");
        // Alone, each scores exactly as in the batch: the padding of the shorter rows changed nothing.
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(batch[i], classifier.ClassifyBatch([texts[i]])[0]);
        }
    }

    [Fact]
    public void The_outputs_mean_what_the_configured_labels_say()
    {
        var model = TinySentimentModel.WriteRoberta(_folder);
        using var reversed = Create(model, ["positive", "neutral", "negative"]);
        var result = reversed.ClassifyBatch(["great", "awful"]);
        Assert.Equal(["negative", "positive"], result.Select(r => r.Label));
        Assert.True(result[0].Score < -0.8, result[0].ToString());
    }

    [Fact]
    public async Task Utterances_that_arrive_together_are_all_answered_through_the_batching_worker()
    {
        using var classifier = Create(TinySentimentModel.WriteRoberta(_folder), batchSize: 4);
        var texts = Enumerable.Range(0, 50).Select(i => (i % 3) switch { 0 => "great", 1 => "awful waiting", _ => "my order" }).ToList();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var results = await Task.WhenAll(texts.Select(t => classifier.ClassifyAsync(t, timeout.Token).AsTask()));
        Assert.Equal(texts.Select(t => t switch { "great" => "positive", "awful waiting" => "negative", _ => "neutral" }), results.Select(r => r.Label));
    }

    [Fact]
    public void A_bert_export_with_token_type_ids_runs_with_the_wordpiece_tokenizer()
    {
        using var classifier = Create(TinySentimentModel.WriteBert(_folder));
        Assert.Equal("wordpiece", classifier.TokenizerKind);
        Assert.Equal(["positive", "negative", "neutral"], classifier.ClassifyBatch(["Thanks so much!", "The new order is AWFUL", "my address"]).Select(r => r.Label));
    }

    [Fact]
    public void A_model_whose_outputs_do_not_match_the_labels_is_refused_with_what_to_set()
    {
        var model = TinySentimentModel.WriteRoberta(_folder);
        var e = Assert.Throws<InvalidOperationException>(() => Create(model, ["negative", "positive"]));
        Assert.Contains("Insights:Onnx:Labels names 2 outputs but the model's 'logits' has 3", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_an_onnx_model_is_refused_naming_the_setting()
    {
        TinySentimentModel.WriteRoberta(_folder);
        var bogus = Path.Combine(_folder, "bogus.onnx");
        File.WriteAllText(bogus, "not a model");
        var e = Assert.Throws<InvalidOperationException>(() => Create(bogus));
        Assert.StartsWith($"Insights:Onnx:ModelPath '{bogus}' could not be loaded by ONNX Runtime", e.Message);
    }

    [Fact]
    public void Settings_that_cannot_work_are_reported_together_before_anything_loads()
    {
        var errors = new List<string>();
        new OnnxClassifierOptions { ModelPath = Path.Combine(_folder, "missing.onnx"), Labels = ["negative", "meh"], BatchSize = 0 }.Validate(errors);
        Assert.Contains(errors, e => e.StartsWith("Insights:Onnx:ModelPath", StringComparison.Ordinal) && e.Contains("is not a file"));
        Assert.Contains(errors, e => e.StartsWith("Insights:Onnx:TokenizerPath", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'meh'"));
        Assert.Contains(errors, e => e.StartsWith("Insights:Onnx:BatchSize", StringComparison.Ordinal));
    }
}
