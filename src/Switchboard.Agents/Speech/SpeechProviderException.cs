using System.ClientModel;
using System.Text.Json;

namespace Switchboard.Agents.Speech;

/// <summary>A speech service refused a request or could not be reached; the message says which service, where, and why.</summary>
public sealed class SpeechProviderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SpeechProviderException(string message, int status, Exception? innerException)
        : base(message, innerException) => Status = status;

    /// <summary>Creates the exception with no status.</summary>
    public SpeechProviderException()
    {
    }

    /// <summary>Creates the exception with no status.</summary>
    public SpeechProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no status.</summary>
    public SpeechProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status the service answered, or 0 when no answer came.</summary>
    public int Status { get; }

    /// <summary>Describes a failed call of <paramref name="service"/> at <paramref name="baseUrl"/>,
    /// with the error message of the service's OpenAI error body when it has one.</summary>
    internal static SpeechProviderException From(string service, Uri baseUrl, Exception failure)
    {
        var status = (failure as ClientResultException)?.Status ?? 0;
        var reason = status == 0 ? failure.Message : $"status {status}: {ServiceMessage(failure as ClientResultException) ?? failure.Message}";
        return new SpeechProviderException($"{service} request to {baseUrl} failed ({reason})", status, failure);
    }

    private static string? ServiceMessage(ClientResultException? failure)
    {
        try
        {
            var content = failure?.GetRawResponse()?.Content;
            if (content is null || content.ToMemory().IsEmpty)
            {
                return null;
            }

            using var body = JsonDocument.Parse(content.ToMemory());
            return body.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
