using System.Text;
using System.Text.Json;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>
/// A test double of an exported sentiment transformer: an ONNX sequence classifier of the same
/// shape as a Twitter-RoBERTa export (inputs <c>input_ids</c> and <c>attention_mask</c>, int64
/// [batch, tokens]; output <c>logits</c>, float [batch, 3]) with RoBERTa's tokenizer files
/// (byte-level BPE <c>vocab.json</c> and <c>merges.txt</c>, <c>&lt;s&gt;</c> 0, <c>&lt;pad&gt;</c> 1,
/// <c>&lt;/s&gt;</c> 2), or BERT's <c>vocab.txt</c>. Its "weights" are a table: each token adds its
/// row to the logits (Gather → mask → ReduceSum), so a sentence's label follows from its words.
/// The padding token's row is a huge negative logit: a batch whose padding were not masked out
/// would read as negative.
/// </summary>
public static class TinySentimentModel
{
    /// <summary>Output order of the model: what a Twitter-RoBERTa export gives.</summary>
    public static readonly string[] Outputs = ["negative", "neutral", "positive"];

    /// <summary>Words the model knows, with the logits (negative, neutral, positive) each adds.</summary>
    public static readonly IReadOnlyDictionary<string, float[]> Words = new Dictionary<string, float[]>
    {
        ["great"] = [0, 0, 3],
        ["thanks"] = [0, 0, 2],
        ["awful"] = [3, 0, 0],
        ["waiting"] = [2, 0, 0],
        ["hours"] = [1, 0, 0],
        ["order"] = [0, 1, 0],
        ["address"] = [0, 1, 0],
    };

    /// <summary>Every other token's row: a slight lean to neutral.</summary>
    private static readonly float[] Other = [0, 0.02f, 0];
    private static readonly float[] Padding = [1000, 0, 0];

    /// <summary>Writes <c>tiny-sentiment.onnx</c>, <c>vocab.json</c> and <c>merges.txt</c> into <paramref name="folder"/>; returns the model's path.</summary>
    public static string WriteRoberta(string folder)
    {
        Directory.CreateDirectory(folder);
        var vocabulary = new Dictionary<string, int> { ["<s>"] = 0, ["<pad>"] = 1, ["</s>"] = 2, ["<unk>"] = 3 };
        foreach (var symbol in ByteSymbols())
        {
            vocabulary.TryAdd(symbol, vocabulary.Count);
        }

        var merges = new List<string> { "#version: 0.2" };
        foreach (var word in Words.Keys)
        {
            // The word is built up letter by letter: g r → gr, gr e → gre …
            var built = word[..1];
            foreach (var letter in word[1..])
            {
                var merge = $"{built} {letter}";
                built += letter;
                if (vocabulary.TryAdd(built, vocabulary.Count))
                {
                    merges.Add(merge);
                }
            }
        }

        File.WriteAllText(Path.Combine(folder, "vocab.json"), JsonSerializer.Serialize(vocabulary));
        File.WriteAllLines(Path.Combine(folder, "merges.txt"), merges);
        var rows = new float[vocabulary.Count][];
        foreach (var (token, id) in vocabulary)
        {
            rows[id] = token == "<pad>" ? Padding : Words.TryGetValue(token, out var row) ? row : Other;
        }

        var path = Path.Combine(folder, "tiny-sentiment.onnx");
        File.WriteAllBytes(path, Model(rows, tokenTypes: false));
        return path;
    }

    /// <summary>Writes <c>tiny-bert.onnx</c> (which also takes <c>token_type_ids</c>) and a WordPiece <c>vocab.txt</c>; returns the model's path.</summary>
    public static string WriteBert(string folder)
    {
        Directory.CreateDirectory(folder);
        string[] tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Words.Keys, "the", "my", "is", "for", "so", "much", "new", ".", "!", ",", "?"];
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), tokens);
        var rows = tokens.Select(t => t == "[PAD]" ? Padding : Words.TryGetValue(t, out var row) ? row : Other).ToArray();
        var path = Path.Combine(folder, "tiny-bert.onnx");
        File.WriteAllBytes(path, Model(rows, tokenTypes: true));
        return path;
    }

    /// <summary>The ids the RoBERTa vocabulary gives the word tokens (for checking the tokenizer).</summary>
    public static Dictionary<string, int> ReadVocabulary(string folder) =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(folder, "vocab.json")))!;

    /// <summary>GPT-2's byte-to-symbol table: printable bytes stand for themselves, the others (space among them) for U+0100 onwards.</summary>
    private static IEnumerable<string> ByteSymbols()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToHashSet();
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            yield return printable.Contains(b) ? ((char)b).ToString() : ((char)next++).ToString();
        }
    }

    private const int Float = 1;
    private const int Int64 = 7;

    /// <summary>The ONNX ModelProto (opset 13) of: logits = ReduceSum(Gather(table, input_ids) × attention_mask, axis 1).</summary>
    private static byte[] Model(float[][] rows, bool tokenTypes)
    {
        var graph = new Proto();
        graph.Message(1, n => Node(n, "Gather", ["table", "input_ids"], ["embedded"]));
        graph.Message(1, n =>
        {
            Node(n, "Cast", ["attention_mask"], ["mask_float"]);
            n.Message(5, a => a.String(1, "to").Int(3, Float).Int(20, 2));
        });
        graph.Message(1, n => Node(n, "Unsqueeze", ["mask_float", "axis_2"], ["mask_3d"]));
        graph.Message(1, n => Node(n, "Mul", ["embedded", "mask_3d"], ["masked"]));
        graph.Message(1, n =>
        {
            Node(n, "ReduceSum", ["masked", "axis_1"], ["logits"]);
            n.Message(5, a => a.String(1, "keepdims").Int(3, 0).Int(20, 2));
        });
        graph.String(2, "tiny_sentiment");
        var table = new byte[rows.Length * 3 * 4];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var k = 0; k < 3; k++)
            {
                BitConverter.TryWriteBytes(table.AsSpan(((i * 3) + k) * 4), rows[i][k]);
            }
        }

        graph.Message(5, t => t.Int(1, rows.Length).Int(1, 3).Int(2, Float).String(8, "table").Bytes(9, table));
        graph.Message(5, t => t.Int(1, 1).Int(2, Int64).String(8, "axis_1").Bytes(9, BitConverter.GetBytes(1L)));
        graph.Message(5, t => t.Int(1, 1).Int(2, Int64).String(8, "axis_2").Bytes(9, BitConverter.GetBytes(2L)));
        graph.Message(11, v => Value(v, "input_ids", Int64, "batch", "sequence"));
        graph.Message(11, v => Value(v, "attention_mask", Int64, "batch", "sequence"));
        if (tokenTypes)
        {
            graph.Message(11, v => Value(v, "token_type_ids", Int64, "batch", "sequence"));
        }

        graph.Message(12, v => Value(v, "logits", Float, "batch", 3));
        var model = new Proto().Int(1, 8).String(2, "switchboard-tests").Message(7, g => g.Append(graph)).Message(8, o => o.String(1, "").Int(2, 13));
        return model.ToArray();
    }

    private static void Node(Proto node, string op, string[] inputs, string[] outputs)
    {
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        foreach (var output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, op.ToLowerInvariant()).String(4, op);
    }

    private static void Value(Proto value, string name, int elementType, params object[] dims) =>
        value.String(1, name).Message(2, type => type.Message(1, tensor => tensor.Int(1, elementType).Message(2, shape =>
        {
            foreach (var dim in dims)
            {
                shape.Message(1, d => _ = dim is int size ? d.Int(1, size) : d.String(2, (string)dim));
            }
        })));

    /// <summary>Just enough of the protobuf wire format: varints and length-delimited fields.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _bytes = new();

        public Proto Int(int field, long value)
        {
            Varint((ulong)field << 3);
            Varint((ulong)value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Bytes(int field, byte[] value)
        {
            Varint(((ulong)field << 3) | 2);
            Varint((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public Proto Message(int field, Action<Proto> build)
        {
            var inner = new Proto();
            build(inner);
            return Bytes(field, inner.ToArray());
        }

        public Proto Append(Proto other)
        {
            _bytes.Write(other.ToArray());
            return this;
        }

        public byte[] ToArray() => _bytes.ToArray();

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.WriteByte((byte)value);
        }
    }
}
