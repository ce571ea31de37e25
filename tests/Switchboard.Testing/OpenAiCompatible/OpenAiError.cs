using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Testing.OpenAiCompatible;

/// <summary>The error body the OpenAI API answers with: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAiError
{
    public static Task WriteAsync(HttpResponse response, int status, string message, CancellationToken cancellationToken)
    {
        var (type, code) = status switch
        {
            401 => ("invalid_request_error", "invalid_api_key"),
            404 => ("invalid_request_error", "model_not_found"),
            429 => ("requests", "rate_limit_exceeded"),
            >= 500 => ("server_error", null),
            _ => ("invalid_request_error", (string?)null),
        };
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message,
                ["type"] = type,
                ["param"] = null,
                ["code"] = code,
            },
        };
        response.StatusCode = status;
        response.ContentType = "application/json";
        return response.WriteAsync(body.ToJsonString(), cancellationToken);
    }
}
