using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Switchboard.Testing;

/// <summary>
/// A person signed in to the API outside the browser, as the dashboard signs in: the session
/// cookie, and the anti-forgery token on every state-changing request. For a test's set-up and
/// for a second person acting while the browser watches.
/// </summary>
public sealed class ApiSession : IDisposable
{
    private readonly HttpClient _http;
    private string? _csrfHeader;
    private string? _csrfToken;

    private ApiSession(Uri server)
    {
        _http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(15), // up to the headers: a stream (StreamLinesAsync) stays open
        };
    }

    /// <summary>Signs in; throws when the login is refused.</summary>
    public static async Task<ApiSession> SignInAsync(Uri server, string username, string password, CancellationToken cancellationToken)
    {
        var session = new ApiSession(server);
        await session.PostAsync("/api/v1/auth/login", new { username, password }, cancellationToken);
        return session;
    }

    /// <summary>POSTs and throws unless the answer is a success; returns the answer's JSON (or an empty object).</summary>
    public Task<JsonElement> PostAsync(string path, object? body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, body, cancellationToken);

    /// <summary>Sends a request and throws unless the answer is a success.</summary>
    /// <exception cref="HttpRequestException">The answer is not a success; the message has the status and the body.</exception>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        var (status, answer) = await TrySendAsync(method, path, body, cancellationToken);
        return (int)status is >= 200 and < 300
            ? answer
            : throw new HttpRequestException($"{method} {path} answered {(int)status}: {answer.GetRawText()}", null, status);
    }

    /// <summary>Reads a server-sent event stream's lines until the server closes it or <paramref name="cancellationToken"/> is cancelled.</summary>
    public async IAsyncEnumerable<string> StreamLinesAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            yield return line;
        }
    }

    /// <summary>Sends a request and returns the status and the answer's JSON, whatever the status.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Answer)> TrySendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (_csrfHeader is not null && method != HttpMethod.Get)
        {
            request.Headers.Add(_csrfHeader, _csrfToken);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var answer = text.Length == 0 ? JsonDocument.Parse("{}").RootElement.Clone() : JsonDocument.Parse(text).RootElement.Clone();
        if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("antiforgery", out var token) && token.ValueKind == JsonValueKind.Object)
        {
            _csrfHeader = token.GetProperty("headerName").GetString();
            _csrfToken = token.GetProperty("token").GetString();
        }

        return (response.StatusCode, answer);
    }

    /// <summary>GETs JSON and throws unless the answer is a success.</summary>
    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public void Dispose() => _http.Dispose();
}
