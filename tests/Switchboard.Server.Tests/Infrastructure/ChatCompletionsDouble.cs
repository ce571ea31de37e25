using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>
/// A test double of an OpenAI-compatible chat-completions server (Kestrel on 127.0.0.1): answers
/// <c>POST /v1/chat/completions</c> with <see cref="Content"/> as the assistant's message (or what
/// <see cref="Answer"/> makes of the request), after <see cref="Delay"/>, or with <see cref="Status"/>
/// when it is not 200.
/// </summary>
public sealed class ChatCompletionsDouble : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChatCompletionsDouble(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public string Content { get; set; } = """{"label":"neutral","score":0}""";

    /// <summary>When set, the assistant's message for each request, from its body; otherwise <see cref="Content"/>.</summary>
    public Func<JsonElement, string>? Answer { get; set; }

    public TimeSpan Delay { get; set; }

    public int Status { get; set; } = 200;

    /// <summary>The request bodies received, in order.</summary>
    public ConcurrentQueue<JsonDocument> Requests { get; } = new();

    public static async Task<ChatCompletionsDouble> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var double_ = new ChatCompletionsDouble(app);
        app.MapPost("/v1/chat/completions", double_.AnswerAsync);
        await app.StartAsync();
        double_.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";
        return double_;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var request in Requests)
        {
            request.Dispose();
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        Requests.Enqueue(request);
        if (Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (Status != 200)
        {
            context.Response.StatusCode = Status;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "the double was told to fail", type = "server_error" } });
            return;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            id = "chatcmpl-double",
            @object = "chat.completion",
            created = 1_700_000_000,
            model = "double-model",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = Answer?.Invoke(request.RootElement) ?? Content }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
        });
    }
}
