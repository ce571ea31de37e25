using System.Net.Http.Headers;
using System.Text.Json;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Events;

namespace Switchboard.Sdk.Internal;

/// <summary>HTTP batches (<c>POST /api/v1/events</c>): the fallback when WebSockets are refused. No commands arrive this way.</summary>
internal sealed class HttpTransport(HttpMessageInvoker invoker, Uri serverUrl, string apiKey) : IBatchTransport
{
    private readonly Uri _endpoint = new(serverUrl, serverUrl.AbsolutePath.TrimEnd('/') + "/api/v1/events");
    private bool _open = true;

    public bool IsOpen => _open;

    public string Name => "http";

    public async Task<BatchOutcome> SendAsync(ReadOnlyMemory<byte> eventsArray, TimeSpan ackTimeout, CancellationToken cancellationToken)
    {
        var body = new byte[eventsArray.Length + 11];
        "{\"events\":"u8.CopyTo(body);
        eventsArray.Span.CopyTo(body.AsSpan(10));
        body[^1] = (byte)'}';
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ackTimeout);
        try
        {
            using var response = await invoker.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var ack = JsonSerializer.Deserialize<BatchAck>(bytes, ContractJson.Options);
                return new BatchOutcome(OutcomeKind.Acked, ack?.Results ?? []);
            }

            JsonElement problem = default;
            try
            {
                problem = JsonSerializer.Deserialize<JsonElement>(bytes);
            }
            catch (JsonException)
            {
            }

            return ProblemReader.Classify(problem, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _open = false;
            return BatchOutcome.Disconnected(ex.Message);
        }
    }

    public Task SubscribeAsync(IReadOnlyList<string> callIds, CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
