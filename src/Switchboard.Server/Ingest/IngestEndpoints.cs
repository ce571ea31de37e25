using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Ingest;

/// <summary>Event ingest over HTTP batches and the agent WebSocket.</summary>
public static class IngestEndpoints
{
    /// <summary>Registers ingest services.</summary>
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EventIngestor>();
        builder.Services.AddSingleton<AgentCommandRouter>();
        return builder;
    }

    /// <summary>Maps <c>POST /api/v1/events</c> and <c>GET /api/v1/agent/ws</c>.</summary>
    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").RequireAuthorization(IdentityExtensions.AgentPolicy).WithTags("Ingest");
        group.MapPost("/events", PostEventsAsync)
            .Accepts<EventBatch>("application/json")
            .WithSummary("Append a batch of events; acknowledged after durable commit.");
        group.MapGet("/agent/ws", AgentSocketAsync)
            .WithSummary("Agent WebSocket: event batches up, acknowledgements and commands down.");
        return app;
    }

    private static async Task<Results<Ok<BatchAck>, ProblemHttpResult>> PostEventsAsync(
        HttpRequest request, EventIngestor ingestor, CancellationToken cancellationToken)
    {
        if (request.ContentLength > Limits.MaxBatchBytes)
        {
            return Problem(IngestProblems.TooManyBytes());
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return Problem(IngestProblems.TooManyBytes());
        }

        EventBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<EventBatch>(body.Value.Span, ContractJson.Options);
        }
        catch (JsonException ex)
        {
            return Problem(IngestProblems.MalformedJson(ex));
        }

        if (batch?.Events is not { Count: > 0 } events)
        {
            return Problem(IngestProblems.EmptyBatch());
        }

        if (events.Count > Limits.MaxBatchEvents)
        {
            return Problem(IngestProblems.TooManyEvents(events.Count));
        }

        IngestOutcome outcome;
        try
        {
            outcome = await ingestor.IngestAsync(events, fromAgent: true, cancellationToken);
        }
        catch (EventStoreUnavailableException)
        {
            return Problem(IngestProblems.StoreUnavailable());
        }
        catch (EventStoreRefusedException ex)
        {
            return Problem(IngestProblems.StoreRefused(ex));
        }

        return outcome.Rejected
            ? Problem(IngestProblems.InvalidEvents(outcome.Errors!))
            : TypedResults.Ok(new BatchAck(outcome.Acks!));
    }

    private static async Task<IResult> AgentSocketAsync(HttpContext context, EventIngestor ingestor, AgentCommandRouter router)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem(
                title: "WebSocket required",
                detail: "Connect with a WebSocket client (Upgrade: websocket) and 'Authorization: Bearer <agent key>'.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new AgentConnection(socket, ingestor, router);
        await connection.RunAsync(context.RequestAborted);
        if (context.Items.ContainsKey(Operations.OperationsExtensions.RevokedItem) && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            // Say why, so that the agent stops reconnecting with the same key.
            using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "The API key was revoked.", closing.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        return TypedResults.Empty;
    }

    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > Limits.MaxBatchBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static ProblemHttpResult Problem(ProblemDetails problem) => TypedResults.Problem(problem);
}
