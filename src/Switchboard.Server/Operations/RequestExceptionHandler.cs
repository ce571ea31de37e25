using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Switchboard.Server.Operations;

/// <summary>
/// The last word on a request that threw. A bad request (malformed JSON, a parameter of the wrong
/// type, a body that arrived too slowly) is the client's to fix: it answers with its own 4xx and a
/// problem detail saying what to fix, and is not logged as a server failure. Anything else answers
/// 500 with the request's id to quote, and is logged with it; no stack trace reaches the client.
/// </summary>
public sealed partial class RequestExceptionHandler(IProblemDetailsService problems, ILogger<RequestExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            problem = RequestProblems.From(bad);
            LogBadRequest(httpContext.Request.Method, httpContext.Request.Path, problem.Status ?? 400, problem.Detail);
        }
        else if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return true;
        }
        else
        {
            LogFailed(exception, httpContext.Request.Method, httpContext.Request.Path, httpContext.TraceIdentifier);
            problem = new ProblemDetails
            {
                Type = RequestProblems.TypeBase + "server-error",
                Title = "The server failed to answer this request",
                Status = StatusCodes.Status500InternalServerError,
                Detail = $"Nothing you sent caused this; try again, and if it keeps failing quote request id '{httpContext.TraceIdentifier}' to the operator.",
            };
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(EventId = 8011, Level = LogLevel.Debug, Message = "Bad request {Method} {Path} answered {Status}: {Detail}")]
    private partial void LogBadRequest(string method, string path, int status, string? detail);

    [LoggerMessage(EventId = 8012, Level = LogLevel.Error, Message = "Request {Method} {Path} failed (request id {RequestId})")]
    private partial void LogFailed(Exception ex, string method, string path, string requestId);
}
