using Microsoft.Extensions.Options;

namespace Switchboard.Server.LiveKit;

/// <summary>Mints access tokens with the configured API key: supervisor listen tokens and server-API tokens.</summary>
public sealed class LiveKitTokens(IOptions<LiveKitOptions> options, TimeProvider clock)
{
    /// <summary>Validity of a server-API token: one request, with room for retries and clock skew.</summary>
    public static readonly TimeSpan ServerApiTtl = TimeSpan.FromMinutes(10);

    /// <summary>The participant attribute that tells Switchboard a participant's role.</summary>
    public const string RoleAttribute = "switchboard.role";

    /// <summary>
    /// A token for a supervisor who listens silently: joins hidden, subscribes, publishes nothing,
    /// no data. A take-over later lifts the restriction with <see cref="SupervisorPermissions.Speak"/>.
    /// </summary>
    public SupervisorToken MintListenToken(string room, string identity, string? name)
    {
        var ttl = TimeSpan.FromMinutes(options.Value.ListenTokenMinutes);
        var video = new VideoGrant
        {
            RoomJoin = true,
            Room = room,
            CanSubscribe = true,
            CanPublish = false,
            CanPublishData = false,
            CanUpdateOwnMetadata = false,
            Hidden = true,
        };
        var token = Mint(ttl, identity, video, name: name, attributes: new Dictionary<string, string> { [RoleAttribute] = "supervisor" });
        return new SupervisorToken(token, options.Value.Url ?? "", room, identity, clock.GetUtcNow() + ttl);
    }

    /// <summary>A short-lived token for one server-API request, with exactly the given grants.</summary>
    public string MintServerApiToken(VideoGrant? video, SipGrant? sip = null) => Mint(ServerApiTtl, video: video, sip: sip);

    /// <summary>Mints a token with the configured key.</summary>
    public string Mint(
        TimeSpan ttl,
        string? identity = null,
        VideoGrant? video = null,
        SipGrant? sip = null,
        string? name = null,
        IReadOnlyDictionary<string, string>? attributes = null,
        string? kind = null)
    {
        var o = options.Value;
        if (!o.ApiConfigured)
        {
            throw new LiveKitNotConfiguredException();
        }

        if (video is { RoomJoin: true } && string.IsNullOrEmpty(identity))
        {
            throw new ArgumentException("A token that joins a room needs an identity.", nameof(identity));
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new LiveKitClaims
        {
            Issuer = o.ApiKey!,
            Identity = identity,
            NotBefore = now,
            Expires = now + (long)ttl.TotalSeconds,
            Name = name,
            Attributes = attributes,
            Kind = kind,
            Video = video,
            Sip = sip,
        };
        return LiveKitJwt.Sign(claims, o.ApiSecret!);
    }
}
