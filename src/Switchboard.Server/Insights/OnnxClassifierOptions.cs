namespace Switchboard.Server.Insights;

/// <summary>
/// Configuration section <c>Insights:Onnx</c>: sentiment by a local transformer exported to ONNX
/// (for example a three-class Twitter-RoBERTa model), run in process by ONNX Runtime. Set
/// <see cref="ModelPath"/> to use it instead of the embedded model; docs/SENTIMENT.md says how an
/// operator obtains and exports one.
/// </summary>
public sealed class OnnxClassifierOptions
{
    /// <summary>The <c>.onnx</c> file. Its inputs are <c>input_ids</c> and <c>attention_mask</c> (and optionally <c>token_type_ids</c>), int64 [batch, tokens]; its first output the logits [batch, labels].</summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// The folder with the tokenizer's files: <c>vocab.json</c> and <c>merges.txt</c> (byte-level BPE, as
    /// RoBERTa's) or <c>vocab.txt</c> (WordPiece, as BERT's). Defaults to the model's folder.
    /// </summary>
    public string? TokenizerPath { get; set; }

    /// <summary>What each of the model's outputs means, in output order: each one of negative, neutral, positive (for the Twitter-RoBERTa models, <c>negative, neutral, positive</c>).</summary>
    public List<string> Labels { get; set; } = [];

    /// <summary>Longest input in tokens, start and end tokens included; longer utterances are cut.</summary>
    public int MaxTokens { get; set; } = 128;

    /// <summary>Most utterances run through the model at once.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Threads ONNX Runtime uses for one batch.</summary>
    public int Threads { get; set; } = 1;

    /// <summary>The name recorded as <c>model</c> on <c>sentiment.scored</c>; defaults to the model file's name.</summary>
    public string? Name { get; set; }

    /// <summary>Whether a model is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(ModelPath);

    /// <summary>The tokenizer's folder as configured or implied.</summary>
    public string TokenizerFolder => string.IsNullOrWhiteSpace(TokenizerPath) ? Path.GetDirectoryName(Path.GetFullPath(ModelPath!))! : TokenizerPath;

    /// <summary>Adds what is wrong with the settings to <paramref name="errors"/>; files are checked here so that a start fails with what to fix.</summary>
    public void Validate(List<string> errors)
    {
        if (!Enabled)
        {
            return;
        }

        const string at = "Insights:Onnx";
        if (!File.Exists(ModelPath))
        {
            errors.Add($"{at}:ModelPath '{ModelPath}' is not a file; set it to the exported model's .onnx file.");
        }

        var folder = TokenizerFolder;
        var bpe = File.Exists(Path.Combine(folder, "vocab.json")) && File.Exists(Path.Combine(folder, "merges.txt"));
        var wordPiece = File.Exists(Path.Combine(folder, "vocab.txt"));
        if (!bpe && !wordPiece)
        {
            errors.Add($"{at}:TokenizerPath '{folder}' has neither vocab.json with merges.txt (byte-level BPE) nor vocab.txt (WordPiece); set it to the folder of the model's tokenizer files.");
        }

        if (Labels.Count < 2)
        {
            errors.Add($"{at}:Labels must name what each of the model's outputs means, in order (for example negative, neutral, positive).");
        }

        foreach (var label in Labels.Where(l => l is not (SentimentLabel.Negative or SentimentLabel.Neutral or SentimentLabel.Positive)))
        {
            errors.Add($"{at}:Labels has '{label}'; each label must be negative, neutral or positive.");
        }

        if (MaxTokens is < 8 or > 4096)
        {
            errors.Add($"{at}:MaxTokens must be between 8 and 4096.");
        }

        if (BatchSize is < 1 or > 1024)
        {
            errors.Add($"{at}:BatchSize must be between 1 and 1024.");
        }

        if (Threads is < 1 or > 64)
        {
            errors.Add($"{at}:Threads must be between 1 and 64.");
        }
    }
}
