using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using Switchboard.Testing.OpenAiCompatible;

namespace Switchboard.Agents.Tests.Doubles;

/// <summary>The double, driven by the real OpenAI client through Microsoft.Extensions.AI.</summary>
public sealed class OpenAiCompatibleDoubleTests
{
    private const string Model = "gpt-double";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static IChatClient Client(OpenAiCompatibleDouble fake) =>
        new OpenAI.Chat.ChatClient(Model, new ApiKeyCredential("k"), new OpenAIClientOptions
        {
            Endpoint = fake.BaseUrl,
            RetryPolicy = new ClientRetryPolicy(0),
        }).AsIChatClient();

    private static async Task<List<ChatResponseUpdate>> StreamAsync(IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, timeout.Token))
        {
            updates.Add(update);
        }

        return updates;
    }

    [Fact]
    public async Task Streamed_text_arrives_in_several_chunks_in_order_and_concatenates_to_the_reply()
    {
        const string Reply = "Good morning, you have reached the salon. How can I help?";
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Say(Reply));

        var updates = await StreamAsync(Client(fake), [new ChatMessage(ChatRole.User, "hello")]);

        var texts = updates.Select(u => u.Text).Where(t => t.Length > 0).ToList();
        Assert.True(texts.Count > 5, $"expected several chunks, got {texts.Count}");
        Assert.Equal(Reply, string.Concat(texts));
        Assert.All(updates.Where(u => u.ModelId is not null), u => Assert.Equal(Model, u.ModelId));
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.Stop);
        Assert.True(fake.Requests.Single().Stream);
    }

    [Fact]
    public async Task A_streamed_tool_call_arrives_as_a_function_call_with_its_name_and_parsed_arguments()
    {
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Call("book_appointment", new { day = "Friday", hour = 15 }));
        var tool = AIFunctionFactory.Create((string day, int hour) => "booked", "book_appointment");

        var updates = await StreamAsync(Client(fake), [new ChatMessage(ChatRole.User, "Friday at three")], new ChatOptions { Tools = [tool] });

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("book_appointment", call.Name);
        Assert.StartsWith("call_", call.CallId, StringComparison.Ordinal);
        Assert.Equal("Friday", call.Arguments!["day"]?.ToString());
        Assert.Equal(15, ((JsonElement)call.Arguments["hour"]!).GetInt32());
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.ToolCalls);
    }

    [Fact]
    public async Task A_streamed_reply_ends_with_its_usage()
    {
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Say("Yes.") with { PromptTokens = 40, CompletionTokens = 3 });

        var updates = await StreamAsync(Client(fake), [new ChatMessage(ChatRole.User, "ok?")]);

        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Equal(40, usage.Details.InputTokenCount);
        Assert.Equal(3, usage.Details.OutputTokenCount);
        Assert.Equal(43, usage.Details.TotalTokenCount);
    }

    [Fact]
    public async Task An_error_status_surfaces_as_a_client_result_exception_with_that_status()
    {
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Fail(429, "Slow down."));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => StreamAsync(Client(fake), [new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(429, error.Status);
        Assert.Contains("Slow down.", error.Message, StringComparison.Ordinal);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task An_exception_in_the_reply_function_answers_500_and_is_kept()
    {
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => throw new InvalidOperationException("no script for this"));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => StreamAsync(Client(fake), [new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(500, error.Status);
        Assert.Equal("no script for this", Assert.Single(fake.Exceptions).Message);
    }

    [Fact]
    public async Task The_double_records_the_messages_and_the_offered_tools()
    {
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Say("Done."));
        var tools = new[]
        {
            AIFunctionFactory.Create((string day) => "booked", "book_appointment"),
            AIFunctionFactory.Create(() => "transferred", "transfer_to_human"),
        };
        ChatMessage[] conversation =
        [
            new(ChatRole.System, "You are the receptionist."),
            new(ChatRole.User, "Book me for Friday."),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "book_appointment", new Dictionary<string, object?> { ["day"] = "Friday" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "booked for Friday")]),
            new(ChatRole.User, "Thanks!"),
        ];

        await StreamAsync(Client(fake), conversation, new ChatOptions { Tools = tools });

        var request = Assert.Single(fake.Requests);
        Assert.Equal(Model, request.Model);
        Assert.Equal(["system", "user", "assistant", "tool", "user"], request.Messages.Select(m => m.Role));
        Assert.Equal("You are the receptionist.", request.SystemText);
        Assert.Equal("Thanks!", request.LastUserText);
        var call = Assert.Single(request.Messages[2].ToolCalls);
        Assert.Equal(("call_1", "book_appointment"), (call.Id, call.Name));
        Assert.Equal("Friday", JsonDocument.Parse(call.ArgumentsJson).RootElement.GetProperty("day").GetString());
        var result = Assert.Single(request.ToolResults);
        Assert.Equal("call_1", result.ToolCallId);
        Assert.Contains("booked for Friday", result.Content, StringComparison.Ordinal);
        Assert.True(request.Offers("transfer_to_human"));
        Assert.False(request.Offers("refund"));
        Assert.Contains("\"messages\"", request.RawJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_streaming_call_answers_one_completion_with_text_model_and_usage()
    {
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Say("One moment please."));
        using var timeout = new CancellationTokenSource(Timeout);

        var response = await Client(fake).GetResponseAsync(
            [new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, timeout.Token);

        Assert.Equal("One moment please.", response.Text);
        Assert.Equal(Model, response.ModelId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(19, response.Usage?.TotalTokenCount);
        Assert.False(fake.Requests.Single().Stream);
    }

    [Fact]
    public async Task A_non_streaming_tool_call_answers_the_call()
    {
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Call("transfer_to_human", new { reason = "angry" }));
        using var timeout = new CancellationTokenSource(Timeout);

        var response = await Client(fake).GetResponseAsync([new ChatMessage(ChatRole.User, "a human!")], cancellationToken: timeout.Token);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("transfer_to_human", call.Name);
        Assert.Equal("angry", call.Arguments!["reason"]?.ToString());
    }

    [Fact]
    public async Task The_first_chunk_waits_for_the_first_token_delay_and_the_reply_can_be_swapped()
    {
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Say("first"));
        var client = Client(fake);
        await StreamAsync(client, [new ChatMessage(ChatRole.User, "one")]);
        fake.Respond = _ => ChatReply.Say("second reply") with { FirstTokenDelay = TimeSpan.FromMilliseconds(300) };

        var clock = Stopwatch.StartNew();
        var updates = await StreamAsync(client, [new ChatMessage(ChatRole.User, "two")]);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(280), $"answered after {clock.Elapsed}");
        Assert.Equal("second reply", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(["one", "two"], fake.Requests.Select(r => r.LastUserText));
    }

    [Fact]
    public async Task A_client_that_hangs_up_mid_stream_leaves_the_double_serving()
    {
        await using var fake = await OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Say("one two three four five") with { ChunkDelay = TimeSpan.FromSeconds(5) });
        var client = Client(fake);
        using var hangUp = new CancellationTokenSource(Timeout);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: hangUp.Token))
            {
                if (update.Text.Length > 0)
                {
                    await hangUp.CancelAsync();
                }
            }
        });
        fake.Respond = _ => ChatReply.Say("still here");
        var updates = await StreamAsync(client, [new ChatMessage(ChatRole.User, "again")]);

        Assert.Equal("still here", string.Concat(updates.Select(u => u.Text)));
        Assert.Empty(fake.Exceptions);
    }
}
