namespace Switchboard.Server.LiveKit;

/// <summary>
/// A Twirp error from the LiveKit server API (LIVEKIT.md §2.3). Branch on <see cref="Code"/> and
/// <see cref="HttpStatus"/>, never on the message. SIP failures carry the SIP status.
/// </summary>
public sealed class LiveKitApiException(
    string method,
    string code,
    string twirpMessage,
    int httpStatus,
    IReadOnlyDictionary<string, string> meta,
    Exception? inner = null)
    : LiveKitBridgeException(
        "LiveKit refused the request",
        $"LiveKit {method} failed: {code} (HTTP {httpStatus}): {twirpMessage}",
        httpStatus is 404 or 409 or 412 or 429 or 400 ? httpStatus : StatusCodes.Status502BadGateway,
        inner)
{
    /// <summary>The Twirp method, e.g. <c>livekit.RoomService/ListRooms</c>.</summary>
    public string Method { get; } = method;

    /// <summary>The Twirp code (<c>not_found</c>, <c>unavailable</c>, …); <c>unknown</c> for a non-Twirp body.</summary>
    public string Code { get; } = code;

    /// <summary>The server's message text.</summary>
    public string TwirpMessage { get; } = twirpMessage;

    /// <summary>The HTTP status of the response (0 when none arrived).</summary>
    public int HttpStatus { get; } = httpStatus;

    /// <summary>The Twirp <c>meta</c> map.</summary>
    public IReadOnlyDictionary<string, string> Meta { get; } = meta;

    /// <summary>The SIP status code of a failed dial or transfer (<c>meta.sip_status_code</c>), e.g. 486.</summary>
    public int? SipStatusCode => Meta.TryGetValue("sip_status_code", out var s) && int.TryParse(s, out var code) ? code : null;

    /// <summary>The SIP reason phrase (<c>meta.sip_status</c>), e.g. "Busy Here".</summary>
    public string? SipStatus => Meta.GetValueOrDefault("sip_status");
}
