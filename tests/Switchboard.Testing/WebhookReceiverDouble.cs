using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Testing;

/// <summary>
/// A double of a system that receives Switchboard's outbound webhooks: real HTTP on a loopback
/// port, every request recorded with whether its Standard Webhooks signature verified, and its
/// behaviour chosen by the test: answer 2xx, fail with a status, hang past the sender's timeout,
/// or be gone altogether (<see cref="GoAwayAsync"/>: the port refuses connections) and come back
/// on the same port (<see cref="ComeBackAsync"/>).
/// </summary>
public sealed class WebhookReceiverDouble : IAsyncDisposable
{
    private readonly Func<string, string, byte[], string, bool> _verify;
    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private WebApplication? _app;
    private CancellationTokenSource _stopping = new();
    private int _port;

    private WebhookReceiverDouble(Func<string, string, byte[], string, bool> verify) => _verify = verify;

    /// <summary>What to do with one request.</summary>
    /// <param name="Status">The status to answer.</param>
    /// <param name="Hang">How long to wait before answering (past the sender's timeout, it gives up first).</param>
    public readonly record struct Reply(int Status, TimeSpan Hang = default)
    {
        /// <summary>Acknowledges.</summary>
        public static Reply Ok => new(204);
    }

    /// <summary>Chooses the reply to each request (the request as recorded, before its answer); may be swapped during a test.</summary>
    public Func<ReceivedWebhook, Reply> Respond { get; set; } = _ => Reply.Ok;

    /// <summary>The URL to subscribe.</summary>
    public Uri Url => new($"http://127.0.0.1:{_port}/hooks");

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The requests that were acknowledged (answered 2xx), in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Acknowledged => Received.Where(r => r.Answered is >= 200 and < 300).ToList();

    /// <summary>
    /// Starts on a free loopback port. <paramref name="verify"/> is given (webhook-id,
    /// webhook-timestamp, raw body, webhook-signature) and says whether the signature is right.
    /// </summary>
    public static async Task<WebhookReceiverDouble> StartAsync(Func<string, string, byte[], string, bool> verify, CancellationToken cancellationToken = default)
    {
        var receiver = new WebhookReceiverDouble(verify);
        await receiver.ListenAsync(cancellationToken);
        return receiver;
    }

    /// <summary>Stops listening: connections are refused until <see cref="ComeBackAsync"/>; requests in flight are cut off.</summary>
    public async Task GoAwayAsync()
    {
        if (_app is not { } app)
        {
            return;
        }

        _app = null;
        await _stopping.CancelAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }

    /// <summary>Listens again on the same port.</summary>
    public Task ComeBackAsync(CancellationToken cancellationToken = default) => _app is null ? ListenAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Waits until <paramref name="done"/> holds for the received requests, or throws after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> done, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (!done(Received))
        {
            try
            {
                await Task.Delay(50, limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The receiver did not get what was awaited within {timeout}; it has {Received.Count} requests, {Acknowledged.Count} acknowledged.");
            }
        }
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await GoAwayAsync();
        _stopping.Dispose();
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port));
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        _stopping = new CancellationTokenSource();
        var stopping = _stopping.Token;
        app.MapPost("/hooks", context => ReceiveAsync(context, stopping));
        await app.StartAsync(cancellationToken);
        _port = new Uri(app.Urls.First()).Port;
        _app = app;
    }

    private async Task ReceiveAsync(HttpContext context, CancellationToken stopping)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var raw = body.ToArray();
        var id = context.Request.Headers["webhook-id"].ToString();
        var timestamp = context.Request.Headers["webhook-timestamp"].ToString();
        var signature = context.Request.Headers["webhook-signature"].ToString();
        var valid = _verify(id, timestamp, raw, signature);
        string? callId = null, type = null;
        long seq = 0;
        try
        {
            using var json = JsonDocument.Parse(raw);
            var data = json.RootElement.GetProperty("data");
            callId = data.GetProperty("callId").GetString();
            seq = data.GetProperty("seq").GetInt64();
            type = data.GetProperty("type").GetString();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
        }

        var received = new ReceivedWebhook(DateTimeOffset.UtcNow, id, timestamp, signature, raw, valid, callId, seq, type);
        var reply = Respond(received);
        lock (_gate)
        {
            _received.Add(received);
        }

        if (reply.Hang > TimeSpan.Zero)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            try
            {
                await Task.Delay(reply.Hang, either.Token);
            }
            catch (OperationCanceledException)
            {
                // Cut off: no answer at all. Returning would let Kestrel answer 200 for the handler,
                // an acknowledgement the receiver never gave.
                context.Abort();
                return;
            }
        }

        lock (_gate)
        {
            received.Answered = reply.Status;
        }

        context.Response.StatusCode = reply.Status;
    }
}

/// <summary>One request the receiver double got.</summary>
/// <param name="At">When it arrived.</param>
/// <param name="DeliveryId">Its <c>webhook-id</c>.</param>
/// <param name="Timestamp">Its <c>webhook-timestamp</c>.</param>
/// <param name="Signature">Its <c>webhook-signature</c>.</param>
/// <param name="Body">The raw body.</param>
/// <param name="SignatureValid">Whether the signature verified.</param>
/// <param name="CallId">The event's call (from the body).</param>
/// <param name="Seq">The event's seq.</param>
/// <param name="Type">The event's type.</param>
public sealed record ReceivedWebhook(DateTimeOffset At, string DeliveryId, string Timestamp, string Signature, byte[] Body, bool SignatureValid, string? CallId, long Seq, string? Type)
{
    /// <summary>The status it was answered with, or null when it was not (hung until the sender gave up).</summary>
    public int? Answered { get; internal set; }
}
