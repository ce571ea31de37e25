using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Switchboard.Server.Insights;

/// <summary>
/// Sentiment from a local transformer (a sequence-classification model exported to ONNX), run in
/// process by ONNX Runtime. Utterances that arrive together are run as one batch, padded to the
/// longest and masked. The outputs are softmaxed; the label is the likeliest output's configured
/// meaning and the score P(positive) − P(negative). Should a batch fail, the embedded model scores it,
/// so a <c>sentiment.scored</c> always follows.
/// </summary>
public sealed partial class OnnxSentimentClassifier : ISentimentClassifier, IDisposable
{
    private readonly InferenceSession _session;
    private readonly SentenceTokenizer _tokenizer;
    private readonly string[] _labels;
    private readonly bool _tokenTypes;
    private readonly string _output;
    private readonly int _batchSize;
    private readonly EmbeddedClassifier _fallback;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _worker;

    public OnnxSentimentClassifier(IOptions<InsightsOptions> options, EmbeddedClassifier fallback, ILogger<OnnxSentimentClassifier> logger)
        : this(options.Value.Onnx, fallback, logger)
    {
    }

    /// <summary>Loads the model and its tokenizer; a model that is not a sequence classifier of the configured labels is refused with what is wrong.</summary>
    public OnnxSentimentClassifier(OnnxClassifierOptions options, EmbeddedClassifier fallback, ILogger logger)
    {
        _fallback = fallback;
        _logger = logger;
        _labels = [.. options.Labels];
        _batchSize = options.BatchSize;
        Model = string.IsNullOrWhiteSpace(options.Name) ? Path.GetFileNameWithoutExtension(options.ModelPath!) : options.Name;
        using var sessionOptions = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = options.Threads, InterOpNumThreads = 1 };
        try
        {
            _session = new InferenceSession(options.ModelPath!, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"Insights:Onnx:ModelPath '{options.ModelPath}' could not be loaded by ONNX Runtime: {e.Message}", e);
        }

        foreach (var input in (string[])["input_ids", "attention_mask"])
        {
            if (!_session.InputMetadata.ContainsKey(input))
            {
                _session.Dispose();
                throw new InvalidOperationException($"Insights:Onnx:ModelPath '{options.ModelPath}' has no input '{input}' (it has {string.Join(", ", _session.InputMetadata.Keys)}); export a sequence-classification model.");
            }
        }

        _tokenTypes = _session.InputMetadata.ContainsKey("token_type_ids");
        var (outputName, outputMeta) = _session.OutputMetadata.First();
        _output = outputName;
        if (outputMeta.Dimensions is [.., var width] && width > 0 && width != _labels.Length)
        {
            _session.Dispose();
            throw new InvalidOperationException($"Insights:Onnx:Labels names {_labels.Length} outputs but the model's '{outputName}' has {width}; list what each output means, in order.");
        }

        _tokenizer = SentenceTokenizer.Load(options.TokenizerFolder, options.MaxTokens);
        _worker = Task.Run(RunAsync);
    }

    /// <summary>The name recorded on <c>sentiment.scored</c>.</summary>
    public string Model { get; }

    /// <summary>Which tokenizer the files gave (<c>bpe</c> or <c>wordpiece</c>).</summary>
    public string TokenizerKind => _tokenizer.Kind;

    /// <inheritdoc />
    public ValueTask<SentimentResult> ClassifyAsync(string text, CancellationToken cancellationToken)
    {
        var pending = new Pending(text);
        return _queue.Writer.TryWrite(pending) ? new ValueTask<SentimentResult>(pending.Result.Task.WaitAsync(cancellationToken)) : ValueTask.FromResult(_fallback.Classify(text));
    }

    /// <summary>Runs <paramref name="texts"/> through the model as one batch.</summary>
    public SentimentResult[] ClassifyBatch(IReadOnlyList<string> texts)
    {
        var encoded = new int[texts.Count][];
        var longest = 1;
        for (var i = 0; i < texts.Count; i++)
        {
            encoded[i] = _tokenizer.Encode(texts[i]);
            longest = Math.Max(longest, encoded[i].Length);
        }

        var ids = new DenseTensor<long>([texts.Count, longest]);
        var mask = new DenseTensor<long>([texts.Count, longest]);
        for (var row = 0; row < texts.Count; row++)
        {
            for (var column = 0; column < longest; column++)
            {
                var real = column < encoded[row].Length;
                ids[row, column] = real ? encoded[row][column] : _tokenizer.PadId;
                mask[row, column] = real ? 1 : 0;
            }
        }

        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("input_ids", ids), NamedOnnxValue.CreateFromTensor("attention_mask", mask) };
        if (_tokenTypes)
        {
            inputs.Add(NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>([texts.Count, longest])));
        }

        using var outputs = _session.Run(inputs, [_output]);
        var logits = outputs[0].AsTensor<float>();
        if (logits.Dimensions.Length != 2 || logits.Dimensions[0] != texts.Count || logits.Dimensions[1] != _labels.Length)
        {
            throw new InvalidDataException($"The model answered logits of shape [{string.Join(", ", logits.Dimensions.ToArray())}]; expected [{texts.Count}, {_labels.Length}].");
        }

        var results = new SentimentResult[texts.Count];
        Span<double> probabilities = stackalloc double[_labels.Length];
        for (var row = 0; row < texts.Count; row++)
        {
            var max = double.NegativeInfinity;
            for (var k = 0; k < _labels.Length; k++)
            {
                max = Math.Max(max, logits[row, k]);
            }

            double sum = 0;
            for (var k = 0; k < _labels.Length; k++)
            {
                probabilities[k] = Math.Exp(logits[row, k] - max);
                sum += probabilities[k];
            }

            int best = 0;
            double positive = 0, negative = 0;
            for (var k = 0; k < _labels.Length; k++)
            {
                probabilities[k] /= sum;
                best = probabilities[k] > probabilities[best] ? k : best;
                positive += _labels[k] == SentimentLabel.Positive ? probabilities[k] : 0;
                negative += _labels[k] == SentimentLabel.Negative ? probabilities[k] : 0;
            }

            results[row] = new SentimentResult(_labels[best], Math.Round(positive - negative, 4), Model);
        }

        return results;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_batchSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _batchSize && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                var results = ClassifyBatch(batch.Select(p => p.Text).ToList());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.TrySetResult(results[i]);
                }
            }
            catch (Exception e) when (e is OnnxRuntimeException or InvalidDataException or ArgumentException)
            {
                LogBatchFailed(e, batch.Count);
                foreach (var pending in batch)
                {
                    pending.Result.TrySetResult(_fallback.Classify(pending.Text));
                }
            }

            batch.Clear();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _worker.Wait(TimeSpan.FromSeconds(5));
        _session.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ONNX sentiment model failed on a batch of {Count} utterances; the embedded model scored them")]
    private partial void LogBatchFailed(Exception exception, int count);

    private sealed record Pending(string Text)
    {
        public TaskCompletionSource<SentimentResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
