using System.Text.Json;
using Switchboard.Testing.OpenAiCompatible;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>
/// The server's model clients (the LLM judge, the LLM sentiment classifier) face one fixed answer
/// at a time: this sets it on the shared double of an OpenAI-compatible endpoint
/// (<see cref="OpenAiCompatibleDouble"/>), which speaks the wire format.
/// </summary>
public sealed class ChatCompletionsDouble : IAsyncDisposable
{
    private readonly OpenAiCompatibleDouble _double;

    private ChatCompletionsDouble(OpenAiCompatibleDouble inner) => _double = inner;

    /// <summary>The base address the clients are configured with, <c>http://127.0.0.1:port/v1</c>.</summary>
    public string BaseUrl => _double.BaseUrl.ToString().TrimEnd('/');

    /// <summary>The assistant's message content when <see cref="Answer"/> is not set.</summary>
    public string Content { get; set; } = """{"label":"neutral","score":0}""";

    /// <summary>The content for a request (its JSON body), instead of <see cref="Content"/>.</summary>
    public Func<JsonElement, string>? Answer { get; set; }

    /// <summary>How long the double waits before it answers.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>The HTTP status to answer; other than 200 answers an OpenAI error body.</summary>
    public int Status { get; set; } = 200;

    /// <summary>The request bodies received, in order.</summary>
    public IReadOnlyList<JsonDocument> Requests => [.. _double.Requests.Select(r => JsonDocument.Parse(r.RawJson))];

    public static async Task<ChatCompletionsDouble> StartAsync()
    {
        ChatCompletionsDouble? outer = null;
        var inner = await OpenAiCompatibleDouble.StartAsync(request => outer!.Reply(request));
        outer = new ChatCompletionsDouble(inner);
        return outer;
    }

    public ValueTask DisposeAsync() => _double.DisposeAsync();

    private ChatReply Reply(ChatRequest request)
    {
        if (Status != 200)
        {
            return ChatReply.Fail(Status, "the double was told to fail") with { FirstTokenDelay = Delay };
        }

        using var body = JsonDocument.Parse(request.RawJson);
        return ChatReply.Say(Answer?.Invoke(body.RootElement) ?? Content) with { FirstTokenDelay = Delay };
    }
}
