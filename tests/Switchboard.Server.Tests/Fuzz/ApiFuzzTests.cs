using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchboard.Contracts.Events;
using Xunit.Abstractions;

namespace Switchboard.Server.Tests.Fuzz;

/// <summary>
/// Seeded, bounded fuzzing of every operation in the server's OpenAPI document and of the agent
/// WebSocket, against the real server process: no answer may be a 5xx, the process may not exit or
/// log a failure, and nothing accepted before the fuzzing may change.
/// </summary>
public sealed partial class ApiFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 20261201;
    private const int HttpRequests = 3000;
    private const int SocketMessages = 400;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));
    private readonly List<string> _serverLines = [];

    public void Dispose() => ServerProcess.DeleteDataDirectory(_dataDirectory);

    [Fact]
    public async Task Thousands_of_seeded_hostile_requests_get_no_5xx_stop_nothing_and_change_nothing_accepted_before()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var agentKey = await ServerProcess.CreateKeyAsync(_dataDirectory, ServerSettings.Tests, "agent", "fuzz-agent", cts.Token);
        var viewerKey = await ServerProcess.CreateKeyAsync(_dataDirectory, ServerSettings.Tests, "viewer", "fuzz-viewer", cts.Token);
        var settings = ServerSettings.Tests with { Echo = Keep, Variables = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" } };
        using var server = await ServerProcess.StartAsync(_dataDirectory, settings, cts.Token, "--Calls:AgentTimeoutSeconds=2", "--Calls:GuardIntervalSeconds=0.5", "--Insights:ReevaluateSeconds=0.5");
        var adminPassword = await server.WaitForOutputAsync(AdminPassword(), cts.Token);
        using var clients = await FuzzClients.CreateAsync(server.BaseAddress, agentKey, viewerKey, adminPassword, cts.Token);
        var baseline = await Baseline.CreateAsync(clients, cts.Token);

        var document = await clients.Anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json", cts.Token);
        var operations = ApiOperation.FromOpenApi(document);
        Assert.True(operations.Count >= 40, $"only {operations.Count} operations in the OpenAPI document");
        var input = new FuzzInput(Seed);
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < HttpRequests; i++)
        {
            var operation = operations[input.Random.Next(operations.Count)];
            var (client, csrf) = PickClient(input, clients, operation);
            using var request = BuildRequest(input, operation, baseline, csrf);
            var described = $"#{i} {request.Method} {request.RequestUri}";
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status >= 500)
                {
                    failures.Add($"{described} answered {status}: {await Snippet(response, cts.Token)}");
                }
                else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json" && !RefusedByHttp(response))
                {
                    failures.Add($"{described} answered {status} without a problem detail ({response.Content.Headers.ContentType})");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cts.IsCancellationRequested))
            {
                failures.Add($"{described} failed: {ex.GetType().Name} {ex.Message} {ex.InnerException?.Message} (body {request.Content?.Headers.ContentLength} bytes)");
            }

            Assert.False(server.HasExited, $"the server exited after {described}");
        }

        output.WriteLine("answers by status: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        var socketRun = await FuzzSocketAsync(input, server.BaseAddress, agentKey, baseline.CallIds, cts.Token);

        output.WriteLine($"agent socket: {socketRun.Answered} of {SocketMessages} messages answered in order, {socketRun.Closed} closed the socket ({socketRun.Closable} could be: text that is not UTF-8 or above the size limit)");
        Assert.False(server.HasExited);
        Assert.True(failures.Count == 0, $"{failures.Count} bad answers:\n" + string.Join("\n", failures.Take(60)));
        Assert.True(statuses.Where(s => s.Key < 300).Sum(s => s.Value) > HttpRequests / 20, "too few requests succeeded to have reached the endpoints: " + string.Join(", ", statuses.OrderBy(s => s.Key)));
        // Every message was either answered in order (its probe came back) or closed by the server; a
        // stall would have failed the 10 s wait. Only a message that breaks the WebSocket framing
        // rules may end the socket; every other message, however hostile, gets its answer.
        Assert.Equal(SocketMessages, socketRun.Answered + socketRun.Closed);
        Assert.True(socketRun.WronglyClosed.Count == 0, "the server closed the agent socket after messages it should have answered:\n" + string.Join("\n", socketRun.WronglyClosed.Take(20)));
        Assert.Equal(socketRun.Closable, socketRun.Closed);
        await baseline.AssertUnchangedAsync(clients, cts.Token);
        lock (_serverLines)
        {
            Assert.DoesNotContain(_serverLines, l => FailureLine().IsMatch(l));
        }
    }

    private static (HttpClient Client, string? Csrf) PickClient(FuzzInput input, FuzzClients clients, ApiOperation operation)
    {
        // Sessions never sign out or sign in again: the fuzzer keeps the identities it began with.
        if (operation.PathTemplate is "/api/v1/auth/logout" or "/api/v1/auth/login")
        {
            return (input.Random.Next(2) == 0 ? clients.Anonymous : clients.Agent, null);
        }

        var csrf = input.Random.Next(10) == 0 ? "garbled" : null;
        if (input.Random.Next(10) < 7)
        {
            // Mostly the caller the operation is for, so that the fuzzing reaches past authorisation.
            var path = operation.PathTemplate;
            return path switch
            {
                "/api/v1/events" or "/api/v1/agent/ws" or "/api/v1/kb/search" => (clients.Agent, null),
                _ when path.StartsWith("/api/v1/admin", StringComparison.Ordinal) || path.StartsWith("/api/v1/auth", StringComparison.Ordinal) => (clients.Admin, csrf ?? clients.AdminToken),
                _ when operation.Method != "GET" || path.StartsWith("/api/v1/escalations", StringComparison.Ordinal) || path.StartsWith("/api/v1/kb", StringComparison.Ordinal)
                    || path == "/api/v1/transfer-destinations" => (clients.Supervisor, csrf ?? clients.SupervisorToken),
                _ => (clients.Viewer, null),
            };
        }

        return input.Random.Next(5) switch
        {
            0 => (clients.Anonymous, null),
            1 => (clients.Agent, null),
            2 => (clients.Viewer, null),
            3 => (clients.Supervisor, csrf ?? clients.SupervisorToken),
            _ => (clients.Admin, csrf ?? clients.AdminToken),
        };
    }

    private static HttpRequestMessage BuildRequest(FuzzInput input, ApiOperation operation, Baseline baseline, string? csrf)
    {
        var path = operation.PathTemplate;
        var mutating = operation.Method != "GET";
        foreach (var name in operation.PathParameters)
        {
            var value = input.Random.Next(3) == 0 ? input.Text() : baseline.IdFor(operation.PathTemplate, mutating, input.Random);
            value = Cut(value)!;
            var encoded = input.Random.Next(8) == 0 ? value : Uri.EscapeDataString(value.Length == 0 ? " " : value);
            path = path.Replace("{" + name + "}", encoded, StringComparison.Ordinal);
        }

        var query = operation.Query
            .Select(q => (q.Name, Value: Cut(input.QueryValue(q.Kind))))
            .Where(q => q.Value is not null)
            .Select(q => $"{q.Name}={Uri.EscapeDataString(q.Value!)}")
            .ToList();
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), query.Count > 0 ? path + "?" + string.Join('&', query) : path);
        if (csrf is not null)
        {
            request.Headers.TryAddWithoutValidation("X-CSRF-TOKEN", csrf);
        }

        if (operation.Body is not null || (mutating && input.Random.Next(6) == 0))
        {
            JsonNode? json = operation.PathTemplate == "/api/v1/events"
                ? new JsonObject { ["events"] = new JsonArray([.. Enumerable.Range(0, input.Random.Next(1, 6)).Select(_ => input.Event(baseline.CallIds))]) }
                : operation.Body is null ? input.AnyValue() : input.FromShape(operation.Body);
            var content = new ByteArrayContent(input.Damage(json));
            var type = input.Random.Next(10) switch
            {
                0 => "text/plain",
                1 => null,
                2 => "application/json; charset=utf-16",
                _ => "application/json",
            };
            if (type is not null)
            {
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            }

            request.Content = content;
        }

        return request;
    }

    /// <summary>
    /// Sends hostile messages over agent sockets, each followed by a ping: the pong (and whatever
    /// came before it) shows the connection read and answered the message in order; a close from
    /// the server (a text frame that is not UTF-8 is closed with 1007, as RFC 6455 requires) starts a
    /// new socket.
    /// </summary>
    private static async Task<SocketRun> FuzzSocketAsync(FuzzInput input, Uri baseAddress, string agentKey, IReadOnlyList<string> callIds, CancellationToken cancellationToken)
    {
        var answered = 0;
        var closed = 0;
        var closable = 0;
        var wronglyClosed = new List<string>();
        ClientWebSocket? socket = null;
        var uri = new Uri(baseAddress.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "api/v1/agent/ws");
        var buffer = new byte[1 << 20];
        for (var i = 0; i < SocketMessages; i++)
        {
            if (socket is null || socket.State != WebSocketState.Open)
            {
                socket?.Dispose();
                socket = new ClientWebSocket();
                socket.Options.SetRequestHeader("Authorization", "Bearer " + agentKey);
                await socket.ConnectAsync(uri, cancellationToken);
            }

            JsonNode? message = input.Random.Next(10) switch
            {
                0 => input.AnyValue(),
                1 => new JsonObject { ["op"] = "subscribe", ["callIds"] = new JsonArray([.. Enumerable.Range(0, input.Random.Next(4)).Select(_ => (JsonNode?)input.Text())]) },
                2 => new JsonObject { ["op"] = "ping", ["ref"] = input.Text() },
                3 => new JsonObject { ["op"] = input.Text(), ["ref"] = "r" + i },
                _ => new JsonObject { ["op"] = "events", ["ref"] = "r" + i, ["events"] = new JsonArray([.. Enumerable.Range(0, input.Random.Next(1, 5)).Select(_ => input.Event(callIds))]) },
            };
            var type = input.Random.Next(20) == 0 ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
            var probe = $"probe-{i}";
            var bytes = input.Damage(message);
            var mayClose = bytes.Length > Limits.MaxBatchBytes || (type == WebSocketMessageType.Text && !IsUtf8(bytes));
            closable += mayClose ? 1 : 0;
            try
            {
                await socket.SendAsync(bytes, type, endOfMessage: true, cancellationToken);
                await socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"op":"ping","ref":"{{probe}}"}"""), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(TimeSpan.FromSeconds(10));
                while (true)
                {
                    using var text = new MemoryStream();
                    WebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer, wait.Token);
                        text.Write(buffer, 0, result.Count);
                    }
                    while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        closed++;
                        if (!mayClose)
                        {
                            wronglyClosed.Add($"message {i} ({type}, {bytes.Length} bytes): closed with {socket.CloseStatus} {socket.CloseStatusDescription}");
                        }

                        break;
                    }

                    if (Encoding.UTF8.GetString(text.ToArray()).Contains($"\"ref\":\"{probe}\"", StringComparison.Ordinal))
                    {
                        answered++;
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException)
            {
                // The server closed the connection under the message. A send that failed leaves the
                // client's state Open, so the socket is dropped here and the next message reconnects.
                closed++;
                socket.Dispose();
                socket = null;
                if (!mayClose)
                {
                    wronglyClosed.Add($"message {i} ({type}, {bytes.Length} bytes): {ex.GetType().Name} {ex.Message}");
                }
            }
        }

        if (socket is { State: WebSocketState.Open })
        {
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken);
            }
            catch (WebSocketException)
            {
                // The server had just closed it.
            }
        }

        socket?.Dispose();
        return new SocketRun(answered, closed, closable, wronglyClosed);
    }

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private sealed record SocketRun(int Answered, int Closed, int Closable, IReadOnlyList<string> WronglyClosed);

    /// <summary>
    /// Kestrel's own answer to a request that is not valid HTTP (a NUL or a space in the path, a
    /// request line over its limit): the request never reaches the application, so no problem
    /// detail can be written; Kestrel answers with an empty body and closes the connection.
    /// </summary>
    private static bool RefusedByHttp(HttpResponseMessage response) =>
        response.StatusCode is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.RequestUriTooLong or System.Net.HttpStatusCode.RequestHeaderFieldsTooLarge
        && response.Headers.ConnectionClose == true
        && response.Content.Headers.ContentLength is null or 0;

    /// <summary>Path and query values stay under Kestrel's request-line limit, so that they reach the application.</summary>
    private static string? Cut(string? value) => value is { Length: > 300 } ? value[..300] : value;

    private static async Task<string> Snippet(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return body.Length > 300 ? body[..300] : body;
    }

    private void Keep(string line)
    {
        lock (_serverLines)
        {
            if (_serverLines.Count < 50_000)
            {
                _serverLines.Add(line);
            }
        }
    }

    [GeneratedRegex("password '([^']+)'")]
    private static partial Regex AdminPassword();

    [GeneratedRegex(@"^\s*(fail|crit):")]
    private static partial Regex FailureLine();
}
