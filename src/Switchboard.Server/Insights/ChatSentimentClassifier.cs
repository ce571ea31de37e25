using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenAI.Chat;

namespace Switchboard.Server.Insights;

/// <summary>
/// Sentiment from a chat model behind any OpenAI-compatible endpoint. Whatever goes wrong — a
/// timeout, an error, an answer that is not the JSON asked for, too many requests in flight —
/// the utterance is scored by the embedded default instead, so a <c>sentiment.scored</c> always follows.
/// </summary>
public sealed partial class ChatSentimentClassifier : ISentimentClassifier, IDisposable
{
    private const string Instructions =
        "You rate the sentiment of one thing a customer said on a support phone call. "
        + "Answer with a JSON object only: {\"label\": \"negative\" | \"neutral\" | \"positive\", "
        + "\"score\": a number from -1 (very negative) through 0 (neutral) to 1 (very positive)}.";

    private readonly ChatClient _chat;
    private readonly ChatCompletionOptions _completion;
    private readonly EmbeddedClassifier _fallback;
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _timeout;
    private readonly string _model;
    private readonly ILogger<ChatSentimentClassifier> _logger;

    public ChatSentimentClassifier(IOptions<InsightsOptions> options, EmbeddedClassifier fallback, ILogger<ChatSentimentClassifier> logger)
    {
        var llm = options.Value.Llm;
        _model = llm.Model!;
        _timeout = TimeSpan.FromMilliseconds(llm.TimeoutMilliseconds);
        _fallback = fallback;
        _logger = logger;
        _slots = new SemaphoreSlim(llm.MaxConcurrency);
        // The timeout decides; a retry would only arrive after the embedded default has answered.
        _chat = llm.CreateChatClient(_timeout);
        _completion = new ChatCompletionOptions
        {
            Temperature = 0,
            MaxOutputTokenCount = 40,
            ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat(),
        };
    }

    /// <inheritdoc />
    public async ValueTask<SentimentResult> ClassifyAsync(string text, CancellationToken cancellationToken)
    {
        if (!_slots.Wait(0, CancellationToken.None))
        {
            LogBusy();
            return _fallback.Classify(text);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            ChatMessage[] messages = [new SystemChatMessage(Instructions), new UserChatMessage(text)];
            var completion = await _chat.CompleteChatAsync(messages, _completion, timeout.Token);
            var answer = completion.Value.Content is [var first, ..] ? first.Text : null;
            if (TryParse(answer, out var label, out var score))
            {
                return new SentimentResult(label, score, _model);
            }

            LogUnreadable(answer?.Length ?? 0);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogTimedOut(_timeout.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is ClientResultException or HttpRequestException or JsonException or InvalidOperationException)
        {
            LogFailed(ex.GetType().Name, ex.Message);
        }
        finally
        {
            _slots.Release();
        }

        return _fallback.Classify(text);
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    /// <summary>Reads <c>{"label": …, "score": …}</c>; the label may be left out and is then the score's.</summary>
    internal static bool TryParse(string? answer, out string label, out double score)
    {
        label = SentimentLabel.Neutral;
        score = 0;
        if (string.IsNullOrWhiteSpace(answer))
        {
            return false;
        }

        using var document = JsonDocument.Parse(answer);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("score", out var s) || s.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        score = Math.Clamp(s.GetDouble(), -1, 1);
        label = SentimentLabel.FromCompound(score);
        if (root.TryGetProperty("label", out var l) && l.GetString() is SentimentLabel.Negative or SentimentLabel.Neutral or SentimentLabel.Positive)
        {
            label = l.GetString()!;
        }

        return true;
    }

    [LoggerMessage(EventId = 6021, Level = LogLevel.Warning, Message = "The sentiment model did not answer within {Milliseconds} ms; the embedded model scored the utterance")]
    private partial void LogTimedOut(double milliseconds);

    [LoggerMessage(EventId = 6022, Level = LogLevel.Warning, Message = "The sentiment model failed ({Error}: {Message}); the embedded model scored the utterance")]
    private partial void LogFailed(string error, string message);

    [LoggerMessage(EventId = 6023, Level = LogLevel.Warning, Message = "The sentiment model's answer ({Length} characters) was not the JSON asked for; the embedded model scored the utterance")]
    private partial void LogUnreadable(int length);

    [LoggerMessage(EventId = 6024, Level = LogLevel.Debug, Message = "Too many sentiment requests in flight; the embedded model scored the utterance")]
    private partial void LogBusy();
}
