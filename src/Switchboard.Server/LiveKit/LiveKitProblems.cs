using Microsoft.AspNetCore.Http.HttpResults;

namespace Switchboard.Server.LiveKit;

/// <summary>Problem-details answers for the bridge's failures, for any endpoint that uses LiveKit.</summary>
public static class LiveKitProblems
{
    /// <summary>The failure as a problem: what went wrong and, when LiveKit is not configured, what to set.</summary>
    public static ProblemHttpResult From(LiveKitBridgeException exception)
    {
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (exception is LiveKitApiException api)
        {
            extensions["twirpCode"] = api.Code;
            if (api.SipStatusCode is { } sip)
            {
                extensions["sipStatusCode"] = sip;
                extensions["sipStatus"] = api.SipStatus;
            }
        }

        return TypedResults.Problem(detail: exception.Message, statusCode: exception.Status, title: exception.Title, extensions: extensions);
    }

    /// <summary>Webhooks arrived but no key to verify them is configured.</summary>
    public static ProblemHttpResult WebhooksOff() => TypedResults.Problem(
        title: "LiveKit webhooks are not configured",
        detail: "Set LiveKit:WebhookKeys:<api key> to its secret (or LiveKit:Url, LiveKit:ApiKey and LiveKit:ApiSecret to accept webhooks signed with that key) and restart.",
        statusCode: StatusCodes.Status409Conflict);
}
