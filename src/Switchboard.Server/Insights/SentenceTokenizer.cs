using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Switchboard.Server.Insights;

/// <summary>
/// Turns an utterance into a sequence-classification model's input ids: byte-level BPE
/// (<c>vocab.json</c> + <c>merges.txt</c>, RoBERTa's <c>&lt;s&gt; … &lt;/s&gt;</c>) or WordPiece
/// (<c>vocab.txt</c>, BERT's <c>[CLS] … [SEP]</c>), cut to the longest input the model takes.
/// </summary>
public sealed class SentenceTokenizer
{
    private readonly Func<string, IReadOnlyList<int>> _encode;
    private readonly int? _start;
    private readonly int? _end;
    private readonly int _maxTokens;

    private SentenceTokenizer(Func<string, IReadOnlyList<int>> encode, int? start, int? end, int pad, int maxTokens, string kind)
    {
        _encode = encode;
        _start = start;
        _end = end;
        PadId = pad;
        _maxTokens = maxTokens;
        Kind = kind;
    }

    /// <summary>The id that fills a batch's shorter rows (masked out).</summary>
    public int PadId { get; }

    /// <summary><c>bpe</c> or <c>wordpiece</c>.</summary>
    public string Kind { get; }

    /// <summary>Reads the tokenizer files in <paramref name="folder"/>; byte-level BPE when both of its files are there, else WordPiece.</summary>
    public static SentenceTokenizer Load(string folder, int maxTokens)
    {
        var vocabJson = Path.Combine(folder, "vocab.json");
        var merges = Path.Combine(folder, "merges.txt");
        if (File.Exists(vocabJson) && File.Exists(merges))
        {
            // The special tokens are looked up here, so that a vocabulary without them (GPT-2's) adds none.
            var vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJson))
                ?? throw new InvalidDataException($"{vocabJson} is not a JSON object of tokens and ids.");
            int? Id(string token) => vocabulary.TryGetValue(token, out var id) ? id : null;
            string[] specials = ["<s>", "</s>", "<pad>", "<unk>", "<mask>", "<|endoftext|>"];
            var unknown = vocabulary.ContainsKey("<unk>") ? "<unk>" : vocabulary.ContainsKey("<|endoftext|>") ? "<|endoftext|>"
                : throw new InvalidDataException($"{vocabJson} has neither <unk> nor <|endoftext|>; it is not a RoBERTa or GPT-2 vocabulary.");
            // Byte-level BPE after GPT-2's pre-tokenizing pattern (RoBERTa's too), special tokens kept whole.
            var bpe = BpeTokenizer.Create(new BpeOptions(vocabJson, merges)
            {
                ByteLevel = true,
                PreTokenizer = RobertaPreTokenizer.Instance,
                UnknownToken = unknown,
                SpecialTokens = specials.Where(vocabulary.ContainsKey).ToDictionary(t => t, t => vocabulary[t]),
            });
            return new SentenceTokenizer(
                text => bpe.EncodeToIds(text),
                Id("<s>"),
                Id("</s>"),
                Id("<pad>") ?? 0,
                maxTokens,
                "bpe");
        }

        var bert = BertTokenizer.Create(Path.Combine(folder, "vocab.txt"));
        return new SentenceTokenizer(
            text => bert.EncodeToIds(text, addSpecialTokens: false),
            bert.ClassificationTokenId,
            bert.SeparatorTokenId,
            bert.PaddingTokenId,
            maxTokens,
            "wordpiece");
    }

    /// <summary>The model's input ids for <paramref name="text"/>: start token, the text's tokens (cut to fit), end token.</summary>
    public int[] Encode(string text)
    {
        var tokens = _encode(text);
        var room = _maxTokens - (_start is null ? 0 : 1) - (_end is null ? 0 : 1);
        var kept = Math.Min(tokens.Count, room);
        var ids = new int[kept + (_start is null ? 0 : 1) + (_end is null ? 0 : 1)];
        var at = 0;
        if (_start is { } start)
        {
            ids[at++] = start;
        }

        for (var i = 0; i < kept; i++)
        {
            ids[at++] = tokens[i];
        }

        if (_end is { } end)
        {
            ids[at] = end;
        }

        return ids;
    }
}
