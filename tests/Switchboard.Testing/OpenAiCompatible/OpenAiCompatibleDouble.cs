using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchboard.Testing.OpenAiCompatible;

/// <summary>
/// A double of an OpenAI-compatible endpoint (chat completions, audio speech, audio transcriptions)
/// on a loopback port: a real Kestrel server speaking the wire format the OpenAI clients parse, with
/// replies chosen by the test and every request recorded.
/// </summary>
public sealed class OpenAiCompatibleDouble : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<ChatRequest> _requests = [];
    private readonly List<SpeechRequest> _speechRequests = [];
    private readonly List<TranscriptionRequest> _transcriptionRequests = [];
    private readonly List<Exception> _exceptions = [];

    private OpenAiCompatibleDouble(WebApplication app, Func<ChatRequest, ChatReply> respond)
    {
        _app = app;
        Respond = respond;
        app.MapPost("/v1/chat/completions", ChatAsync);
        app.MapPost("/v1/audio/speech", SpeechAsync);
        app.MapPost("/v1/audio/transcriptions", TranscriptionAsync);
        app.MapFallback((RequestDelegate)(context =>
            OpenAiError.WriteAsync(context.Response, 404, $"Unknown path {context.Request.Path}.", context.RequestAborted)));
    }

    /// <summary>The endpoint an OpenAI client is given: <c>http://127.0.0.1:PORT/v1/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Chooses the reply to each chat request; may be swapped during a test.</summary>
    public Func<ChatRequest, ChatReply> Respond { get; set; }

    /// <summary>The body of each <c>POST /v1/audio/speech</c> answer; null answers a short WAV of silence.</summary>
    public Func<byte[]>? Speech { get; set; }

    /// <summary>The text of each <c>POST /v1/audio/transcriptions</c> answer; null answers an empty text.</summary>
    public Func<TranscriptionRequest, string>? Transcribe { get; set; }

    /// <summary>Every chat request received, in order.</summary>
    public IReadOnlyList<ChatRequest> Requests => Snapshot(_requests);

    /// <summary>Every speech request received, in order.</summary>
    public IReadOnlyList<SpeechRequest> SpeechRequests => Snapshot(_speechRequests);

    /// <summary>Every transcription request received, in order.</summary>
    public IReadOnlyList<TranscriptionRequest> TranscriptionRequests => Snapshot(_transcriptionRequests);

    /// <summary>What <see cref="Respond"/>, <see cref="Speech"/> or <see cref="Transcribe"/> threw; each was answered with a 500.</summary>
    public IReadOnlyList<Exception> Exceptions => Snapshot(_exceptions);

    /// <summary>Starts the double on a free loopback port.</summary>
    public static async Task<OpenAiCompatibleDouble> StartAsync(Func<ChatRequest, ChatReply> respond, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(respond);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // A test's output folder may hold another app's appsettings.json (the server's, with Kestrel
        // endpoints of its own): the double reads no configuration at all.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new OpenAiCompatibleDouble(app, respond);
        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        fake.BaseUrl = new Uri(address.TrimEnd('/') + "/v1/");
        return fake;
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private async Task ChatAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        string json;
        using (var reader = new StreamReader(context.Request.Body))
        {
            json = await reader.ReadToEndAsync(aborted);
        }

        ChatRequest request;
        bool includeUsage;
        try
        {
            (request, includeUsage) = ChatRequestReader.Read(json);
        }
        catch (JsonException e)
        {
            await OpenAiError.WriteAsync(context.Response, 400, $"The body is not valid JSON: {e.Message}", aborted);
            return;
        }

        Record(_requests, request);
        if (!TryAnswer(() => Respond(request), out var reply, out var failure))
        {
            await OpenAiError.WriteAsync(context.Response, 500, failure, aborted);
            return;
        }

        if (reply.Status >= 400)
        {
            await OpenAiError.WriteAsync(context.Response, reply.Status, reply.ErrorMessage ?? $"Failed with status {reply.Status}.", aborted);
            return;
        }

        var writer = new ChatCompletionWriter(request, reply, includeUsage);
        try
        {
            await (request.Stream ? writer.WriteChunksAsync(context.Response, aborted) : writer.WriteCompletionAsync(context.Response, aborted));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away mid-reply (a barge-in or a timeout): a normal disconnect.
        }
    }

    private async Task SpeechAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        SpeechRequest request;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: aborted);
            var root = body.RootElement;
            request = new SpeechRequest(Text(root, "model") ?? "", Text(root, "input") ?? "", Text(root, "voice"), Text(root, "response_format"));
        }
        catch (JsonException e)
        {
            await OpenAiError.WriteAsync(context.Response, 400, $"The body is not valid JSON: {e.Message}", aborted);
            return;
        }

        Record(_speechRequests, request);
        if (!TryAnswer(() => Speech?.Invoke() ?? SilentWav.Create(TimeSpan.FromMilliseconds(200)), out var audio, out var failure))
        {
            await OpenAiError.WriteAsync(context.Response, 500, failure, aborted);
            return;
        }

        context.Response.ContentType = request.ResponseFormat switch
        {
            "mp3" or null => "audio/mpeg",
            "opus" => "audio/opus",
            "aac" => "audio/aac",
            "flac" => "audio/flac",
            "pcm" => "audio/pcm",
            _ => "audio/wav",
        };
        await context.Response.Body.WriteAsync(audio, aborted);
    }

    private async Task TranscriptionAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        if (!context.Request.HasFormContentType)
        {
            await OpenAiError.WriteAsync(context.Response, 400, "A transcription is a multipart/form-data request.", aborted);
            return;
        }

        var form = await context.Request.ReadFormAsync(aborted);
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            await OpenAiError.WriteAsync(context.Response, 400, "The form has no 'file'.", aborted);
            return;
        }

        var language = form.TryGetValue("language", out var l) ? l.ToString() : null;
        var request = new TranscriptionRequest(form["model"].ToString(), file.FileName, (int)file.Length, language);
        Record(_transcriptionRequests, request);
        if (!TryAnswer(() => Transcribe?.Invoke(request) ?? "", out var text, out var failure))
        {
            await OpenAiError.WriteAsync(context.Response, 500, failure, aborted);
            return;
        }

        var format = form["response_format"].ToString();
        if (format is "text" or "srt" or "vtt")
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(text, aborted);
            return;
        }

        var answer = format == "verbose_json"
            ? (object)new { task = "transcribe", language = language ?? "english", duration = 0.2, text, segments = Array.Empty<object>() }
            : new { text };
        await context.Response.WriteAsJsonAsync(answer, aborted);
    }

    private bool TryAnswer<T>(Func<T> answer, out T value, out string failure)
    {
        try
        {
            value = answer();
            failure = "";
            return true;
        }
#pragma warning disable CA1031 // Whatever the test's function throws becomes the 500 a real server would answer.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Record(_exceptions, e);
            value = default!;
            failure = $"The double's reply failed: {e.Message}";
            return false;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private void Record<T>(List<T> list, T item)
    {
        lock (_gate)
        {
            list.Add(item);
        }
    }

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}
