using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Testing.OpenAiCompatible;

/// <summary>
/// Writes a <see cref="ChatReply"/> in the chat-completions wire format: one <c>chat.completion</c>
/// object, or <c>chat.completion.chunk</c> server-sent events ending in <c>data: [DONE]</c>.
/// </summary>
internal sealed partial class ChatCompletionWriter(ChatRequest request, ChatReply reply, bool includeUsage)
{
    // Arguments are streamed in pieces of this many characters, as a model streams them.
    private const int ArgumentPiece = 8;
    private readonly string _id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..24];
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private readonly IReadOnlyList<ChatToolCall> _calls = [.. reply.ToolCalls.Select(c => c.Id.Length > 0 ? c : c with { Id = "call_" + Guid.NewGuid().ToString("N")[..24] })];

    private string FinishReason => _calls.Count > 0 ? "tool_calls" : "stop";

    public async Task WriteCompletionAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        await Task.Delay(reply.FirstTokenDelay, cancellationToken);
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Text, ["refusal"] = null };
        if (_calls.Count > 0)
        {
            message["tool_calls"] = new JsonArray([.. _calls.Select(c => ToolCall(c, c.ArgumentsJson))]);
        }

        var completion = Envelope("chat.completion");
        completion["choices"] = Choices("message", message, FinishReason);
        completion["usage"] = Usage();
        response.ContentType = "application/json";
        await response.WriteAsync(completion.ToJsonString(), cancellationToken);
    }

    public async Task WriteChunksAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(cancellationToken);
        var deltas = new List<JsonObject>();
        deltas.AddRange(Words().Select(word => new JsonObject { ["content"] = word }));
        for (var i = 0; i < _calls.Count; i++)
        {
            var call = _calls[i];
            deltas.Add(new JsonObject { ["tool_calls"] = new JsonArray(ToolCallDelta(i, call, "")) });
            for (var at = 0; at < call.ArgumentsJson.Length; at += ArgumentPiece)
            {
                var piece = call.ArgumentsJson.Substring(at, Math.Min(ArgumentPiece, call.ArgumentsJson.Length - at));
                deltas.Add(new JsonObject { ["tool_calls"] = new JsonArray(ToolCallDelta(i, null, piece)) });
            }
        }

        if (deltas.Count == 0)
        {
            deltas.Add(new JsonObject { ["content"] = "" });
        }

        deltas[0]["role"] = "assistant";
        await Task.Delay(reply.FirstTokenDelay, cancellationToken);
        for (var i = 0; i < deltas.Count; i++)
        {
            if (i > 0)
            {
                await Task.Delay(reply.ChunkDelay, cancellationToken);
            }

            await WriteEventAsync(response, Chunk(deltas[i], null), cancellationToken);
        }

        await WriteEventAsync(response, Chunk(new JsonObject(), FinishReason), cancellationToken);
        if (includeUsage)
        {
            var usage = Envelope("chat.completion.chunk");
            usage["choices"] = new JsonArray();
            usage["usage"] = Usage();
            await WriteEventAsync(response, usage, cancellationToken);
        }

        await response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    // Pieces that concatenate to the text exactly: each word with the white space before it.
    private IEnumerable<string> Words() =>
        string.IsNullOrEmpty(reply.Text) ? [] : WordPattern().Matches(reply.Text).Select(m => m.Value);

    private JsonObject Envelope(string kind) => new()
    {
        ["id"] = _id,
        ["object"] = kind,
        ["created"] = _created,
        ["model"] = request.Model,
        ["system_fingerprint"] = "fp_double",
    };

    private JsonObject Chunk(JsonObject delta, string? finishReason)
    {
        var chunk = Envelope("chat.completion.chunk");
        chunk["choices"] = Choices("delta", delta, finishReason);
        if (includeUsage)
        {
            chunk["usage"] = null;
        }

        return chunk;
    }

    // A completion's one choice carries a "message"; a chunk's carries a "delta".
    private static JsonArray Choices(string part, JsonObject value, string? finishReason) => new(new JsonObject
    {
        ["index"] = 0,
        [part] = value,
        ["logprobs"] = null,
        ["finish_reason"] = finishReason,
    });

    private JsonObject Usage() => new()
    {
        ["prompt_tokens"] = reply.PromptTokens,
        ["completion_tokens"] = reply.CompletionTokens,
        ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
    };

    private static JsonObject ToolCall(ChatToolCall call, string arguments) => new()
    {
        ["id"] = call.Id,
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = arguments },
    };

    // The first delta of a call names it; later ones carry only the index and more arguments.
    private static JsonObject ToolCallDelta(int index, ChatToolCall? call, string arguments)
    {
        var delta = call is null
            ? new JsonObject { ["function"] = new JsonObject { ["arguments"] = arguments } }
            : ToolCall(call, arguments);
        delta.Insert(0, "index", index);
        return delta;
    }

    private static async Task WriteEventAsync(HttpResponse response, JsonObject data, CancellationToken cancellationToken)
    {
        await response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"data: {data.ToJsonString()}\n\n"), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    [GeneratedRegex(@"\s*\S+|\s+$")]
    private static partial Regex WordPattern();
}
