using System.Net;
using System.Text;
using System.Text.Json;
using Switchboard.Testing.OpenAiCompatible;

namespace Switchboard.Agents.Tests.Doubles;

/// <summary>The double's bytes on the wire, read without an SDK that might forgive a wrong shape.</summary>
public sealed class WireFormatTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static async Task<(HttpStatusCode Status, string ContentType, string Body)> PostAsync(OpenAiCompatibleDouble fake, string json)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var http = new HttpClient();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(fake.BaseUrl, "chat/completions"), content, timeout.Token);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", await response.Content.ReadAsStringAsync(timeout.Token));
    }

    [Fact]
    public async Task A_stream_is_chunk_events_then_a_usage_chunk_with_no_choices_then_done()
    {
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Call("lookup", new { id = 7 }) with { Text = "Checking." });

        var (status, type, body) = await PostAsync(fake, """
            {"model":"m1","stream":true,"stream_options":{"include_usage":true},"response_format":{"type":"json_object"},
             "messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],
             "tools":[{"type":"function","function":{"name":"lookup","parameters":{}}}]}
            """);

        Assert.Equal((HttpStatusCode.OK, "text/event-stream"), (status, type));
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal(("chat.completion.chunk", "m1"), (c.GetProperty("object").GetString(), c.GetProperty("model").GetString())));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(19, usage.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        var choices = chunks[..^1].Select(c => c.GetProperty("choices")[0]).ToList();
        Assert.Equal("assistant", choices[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("tool_calls", choices[^1].GetProperty("finish_reason").GetString());
        var first = choices.Select(c => c.GetProperty("delta")).First(d => d.TryGetProperty("tool_calls", out _)).GetProperty("tool_calls")[0];
        Assert.Equal(0, first.GetProperty("index").GetInt32());
        Assert.Equal("function", first.GetProperty("type").GetString());
        Assert.Equal("lookup", first.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("hi", fake.Requests.Single().LastUserText);
    }

    [Fact]
    public async Task An_error_is_an_openai_error_body()
    {
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Fail(401, "Bad key."));

        var (status, type, body) = await PostAsync(fake, """{"model":"m1","messages":[]}""");

        Assert.Equal((HttpStatusCode.Unauthorized, "application/json"), (status, type));
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("Bad key.", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }
}
