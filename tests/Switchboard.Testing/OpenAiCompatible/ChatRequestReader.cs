using System.Text.Json;

namespace Switchboard.Testing.OpenAiCompatible;

/// <summary>Reads a chat-completions request body into a <see cref="ChatRequest"/>, tolerating every shape the API allows.</summary>
internal static class ChatRequestReader
{
    public static (ChatRequest Request, bool IncludeUsage) Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var model = String(root, "model") ?? "";
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        var messages = new List<ChatRequestMessage>();
        if (root.TryGetProperty("messages", out var ms) && ms.ValueKind == JsonValueKind.Array)
        {
            foreach (var m in ms.EnumerateArray())
            {
                messages.Add(new ChatRequestMessage(String(m, "role") ?? "", Content(m), ToolCalls(m), String(m, "tool_call_id")));
            }
        }

        var tools = new List<string>();
        if (root.TryGetProperty("tools", out var ts) && ts.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in ts.EnumerateArray())
            {
                if (t.TryGetProperty("function", out var f) && String(f, "name") is { } name)
                {
                    tools.Add(name);
                }
            }
        }

        return (new ChatRequest(model, stream, messages, tools, json), includeUsage);
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    // Content is a string, an array of parts ({"type":"text","text":…} among others) or null.
    private static string? Content(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return null;
        }

        return content.ValueKind switch
        {
            JsonValueKind.String => content.GetString(),
            JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(p => String(p, "text") ?? String(p, "refusal") ?? "")),
            _ => null,
        };
    }

    private static List<ChatToolCall> ToolCalls(JsonElement message)
    {
        var calls = new List<ChatToolCall>();
        if (message.TryGetProperty("tool_calls", out var tcs) && tcs.ValueKind == JsonValueKind.Array)
        {
            foreach (var tc in tcs.EnumerateArray())
            {
                tc.TryGetProperty("function", out var f);
                calls.Add(new ChatToolCall(String(tc, "id") ?? "", String(f, "name") ?? "", String(f, "arguments") ?? ""));
            }
        }

        return calls;
    }
}
