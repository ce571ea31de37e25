using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace Switchboard.Server.Operations;

/// <summary>Problem details for requests the framework could not bind, each saying what to fix.</summary>
public static partial class RequestProblems
{
    /// <summary>Where the problem types of this API are described.</summary>
    public const string TypeBase = "https://switchboard.dev/problems/";

    /// <summary>The problem of a request the framework refused before any endpoint ran.</summary>
    public static ProblemDetails From(BadHttpRequestException ex)
    {
        var status = ex.StatusCode is >= 400 and < 500 ? ex.StatusCode : StatusCodes.Status400BadRequest;
        var (type, title, detail) = ex switch
        {
            { InnerException: JsonException json } => ("malformed-json", "The body is not valid JSON of the expected shape", Json(json)),
            _ when status == StatusCodes.Status408RequestTimeout => ("slow-request", "The request arrived too slowly",
                "The server stopped waiting for the request body; send the whole body promptly."),
            _ when status == StatusCodes.Status413PayloadTooLarge => ("body-too-large", "The request body is too large",
                "Send a smaller body; the limits are in docs/PROTOCOL.md."),
            _ when status == StatusCodes.Status415UnsupportedMediaType => ("unsupported-media-type", "The body must be JSON",
                "Send the body as JSON with 'Content-Type: application/json'."),
            _ => Binding(ex.Message),
        };
        return new ProblemDetails { Type = TypeBase + type, Title = title, Status = status, Detail = detail };
    }

    /// <summary>
    /// Completes every problem the server writes: the framework's own (status pages for 404, 405,
    /// 415) get a detail saying what to do, and each carries the request id to quote.
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status400BadRequest => "Send a JSON body with the fields and types this endpoint documents in /openapi/v1.json.",
            StatusCodes.Status404NotFound => "No such resource or route; the API is described at /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not allowed here; the API is described at /openapi/v1.json.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with 'Content-Type: application/json'.",
            StatusCodes.Status401Unauthorized => "Sign in, or send an API key as 'Authorization: Bearer sbk_…'.",
            StatusCodes.Status403Forbidden => "Your role or key does not allow this request.",
            StatusCodes.Status429TooManyRequests => "Too many requests; wait a little and try again.",
            >= 500 => $"Try again; if it keeps failing quote request id '{context.HttpContext.TraceIdentifier}' to the operator.",
            _ => null,
        };
        problem.Extensions.TryAdd("requestId", context.HttpContext.TraceIdentifier);
    }

    private static string Json(JsonException json)
    {
        var where = $"{(string.IsNullOrEmpty(json.Path) ? "$" : json.Path)} (line {(json.LineNumber ?? 0) + 1}, byte {json.BytePositionInLine ?? 0})";
        return json.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? $"The value at {where} has the wrong JSON type or format; see the request's schema in /openapi/v1.json."
            : $"The JSON is malformed at {where}; send one JSON object, encoded as UTF-8.";
    }

    private static (string Type, string Title, string Detail) Binding(string message)
    {
        if (BindFailure().Match(message) is { Success: true } failed)
        {
            var value = failed.Groups["value"].Value;
            var shown = value.Length > 40 ? value[..40] + "…" : value;
            return ("invalid-parameter", "A parameter has the wrong format",
                $"'{failed.Groups["name"].Value}' must be {Kind(failed.Groups["type"].Value)} (got '{shown}').");
        }

        if (Missing().Match(message) is { Success: true } missing)
        {
            return missing.Groups["source"].Value.Contains("body", StringComparison.Ordinal)
                ? ("missing-body", "The request needs a JSON body", "Send a JSON object as the body, with 'Content-Type: application/json'; see the request's schema in /openapi/v1.json.")
                : ("missing-parameter", "A required parameter is missing", $"Add '{missing.Groups["name"].Value}' to the {missing.Groups["source"].Value}.");
        }

        return message.Contains("body", StringComparison.OrdinalIgnoreCase)
            ? ("missing-body", "The request needs a JSON body", "Send a JSON object as the body, with 'Content-Type: application/json'; see the request's schema in /openapi/v1.json.")
            : ("bad-request", "The request is malformed", "Check the request against /openapi/v1.json.");
    }

    private static string Kind(string type) => type.TrimEnd('?') switch
    {
        "int" or "long" or "Int32" or "Int64" or "short" => "a whole number",
        "double" or "float" or "decimal" or "Double" => "a number",
        "bool" or "Boolean" => "true or false",
        "DateTimeOffset" or "DateTime" => "a date and time in ISO 8601 form, such as 2026-12-01T10:00:00Z",
        "Guid" => "a GUID",
        _ => "of the documented format",
    };

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^ "]+) (?<name>[^"]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex("""^Required parameter "(?<type>[^ "]+) (?<name>[^"]+)" was not provided from (?<source>[^.]+)\.$""", RegexOptions.Singleline)]
    private static partial Regex Missing();
}
