using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// Twirp over HTTP with JSON (LIVEKIT.md §2): POST <c>{base}/twirp/livekit.{Service}/{Method}</c>,
/// bearer token, proto3 JSON body. Each attempt has a time limit; a request that is safe to repeat
/// is retried with exponential backoff on a connection error, a timeout, 429 or a 5xx other than 501.
/// </summary>
public sealed partial class TwirpClient(HttpClient http, IOptions<LiveKitOptions> options, TimeProvider clock, ILogger<TwirpClient> logger)
{
    internal static readonly JsonSerializerOptions RequestJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    };

    private static readonly IReadOnlyDictionary<string, string> NoMeta = new Dictionary<string, string>();

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    /// <summary>Sends one request and returns the response object.</summary>
    /// <param name="method">Service and method, e.g. <c>livekit.RoomService/ListRooms</c>.</param>
    /// <param name="body">The request message.</param>
    /// <param name="token">The access token with the grants the method needs.</param>
    /// <param name="safeToRepeat">True when sending the request twice has the effect of sending it once.</param>
    /// <param name="timeout">Time limit of one attempt.</param>
    /// <param name="cancellationToken">Cancels the whole call.</param>
    public async Task<ProtoObject> CallAsync<TRequest>(
        string method, TRequest body, string token, bool safeToRepeat, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(body, RequestJson);
        var uri = new Uri(options.Value.ApiBaseAddress(), "twirp/" + method);
        var attempts = safeToRepeat ? options.Value.MaxAttempts : 1;
        var requestId = Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            LiveKitApiException failure;
            using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptCts.CancelAfter(timeout);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(payload) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    request.Headers.Add("X-Livekit-Request-Id", requestId);
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptCts.Token);
                    var bytes = await response.Content.ReadAsByteArrayAsync(attemptCts.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return Parse(method, bytes);
                    }

                    failure = ToError(method, (int)response.StatusCode, bytes);
                }
                catch (HttpRequestException ex)
                {
                    failure = new LiveKitApiException(method, "unavailable", Unreachable(uri, ex), 0, NoMeta, ex);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = new LiveKitApiException(method, "deadline_exceeded", $"no answer within {timeout.TotalSeconds:0.#} s", 0, NoMeta, ex);
                }
            }

            if (attempt >= attempts || !IsTransient(failure))
            {
                LogFailed(method, failure.Code, failure.HttpStatus, attempt);
                throw failure;
            }

            var delay = Backoff(attempt);
            LogRetry(method, failure.Code, failure.HttpStatus, attempt, delay.TotalMilliseconds);
            await Task.Delay(delay, clock, cancellationToken);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var baseMs = options.Value.RetryBaseDelayMilliseconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(baseMs * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    /// <summary>Why LiveKit could not be reached, in words (the socket's own text stays in the inner exception).</summary>
    private static string Unreachable(Uri uri, HttpRequestException ex)
    {
        var why = ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "its host name does not resolve",
            HttpRequestError.ConnectionError => "the connection was refused or dropped",
            HttpRequestError.SecureConnectionError => "the TLS handshake failed",
            _ => "the request did not complete",
        };
        return $"could not reach LiveKit at {uri.GetLeftPart(UriPartial.Authority)}: {why}; check LiveKit:Url and that the LiveKit server is running";
    }

    private static bool IsTransient(LiveKitApiException e) =>
        e.HttpStatus == 0 || e.HttpStatus == 429 || (e.HttpStatus >= 500 && e.HttpStatus != 501);

    private static ProtoObject Parse(string method, byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return new ProtoObject(EmptyObject);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return new ProtoObject(document.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            throw new LiveKitApiException(method, "malformed", "the response is not JSON", 200, NoMeta, ex);
        }
    }

    /// <summary>Reads a Twirp error body, or makes one from a plain-text answer (e.g. the auth middleware's 401).</summary>
    internal static LiveKitApiException ToError(string method, int status, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var o = new ProtoObject(document.RootElement);
            if (o.Exists && o.Str("code") is { Length: > 0 } code)
            {
                return new LiveKitApiException(method, code, o.Str("msg"), status, o.Map("meta"));
            }
        }
        catch (JsonException)
        {
        }

        var text = Encoding.UTF8.GetString(body).Trim();
        return new LiveKitApiException(method, CodeOf(status), text.Length > 300 ? text[..300] : text, status, NoMeta);
    }

    private static string CodeOf(int status) => status switch
    {
        400 => "invalid_argument",
        401 => "unauthenticated",
        403 => "permission_denied",
        404 => "not_found",
        408 => "deadline_exceeded",
        409 => "aborted",
        412 => "failed_precondition",
        429 => "resource_exhausted",
        501 => "unimplemented",
        503 => "unavailable",
        504 => "deadline_exceeded",
        _ => "unknown",
    };

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "LiveKit {Method} failed with {Code} (HTTP {Status}) on attempt {Attempt}; retrying in {DelayMs:0} ms")]
    private partial void LogRetry(string method, string code, int status, int attempt, double delayMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "LiveKit {Method} failed with {Code} (HTTP {Status}) after {Attempts} attempt(s)")]
    private partial void LogFailed(string method, string code, int status, int attempts);
}
