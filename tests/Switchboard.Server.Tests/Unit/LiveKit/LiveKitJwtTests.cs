using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Server.LiveKit;

namespace Switchboard.Server.Tests.Unit.LiveKit;

public sealed class LiveKitJwtTests
{
    private static readonly Dictionary<string, string> V2Keys = new() { [TestVectors.V2Key] = TestVectors.V2Secret };

    private static DateTimeOffset At(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

    [Fact]
    public void Sign_V6WebhookClaims_ReproducesTheVectorByteForByte()
    {
        var claims = new LiveKitClaims { Issuer = "abcdefg", NotBefore = 1700000000, Expires = 1700000300, Sha256 = TestVectors.V2Sha256 };

        Assert.Equal(TestVectors.V6WebhookToken, LiveKitJwt.Sign(claims, TestVectors.V2Secret));
    }

    [Fact]
    public void Sign_V6ApiAndJoinClaims_ReproduceTheVectorsByteForByte()
    {
        var list = new LiveKitClaims { Issuer = "abcdefg", NotBefore = 1700000000, Expires = 1700021600, Video = new VideoGrant { RoomList = true } };
        var join = new LiveKitClaims
        {
            Issuer = "abcdefg",
            Identity = "me",
            Name = "myname",
            NotBefore = 1700000000,
            Expires = 1700021600,
            Video = new VideoGrant { RoomJoin = true, Room = "myroom" },
        };

        Assert.Equal(TestVectors.V6ApiToken, LiveKitJwt.Sign(list, "abababa"));
        Assert.Equal(TestVectors.V6JoinToken, LiveKitJwt.Sign(join, "abababa"));
    }

    [Theory]
    [InlineData(TestVectors.V2Body, TestVectors.V2Sha256)]
    [InlineData(TestVectors.V3Body, TestVectors.V3Sha256)]
    public void BodyHash_OfTheOfficialWebhookBodies_EqualsTheirSignedSha256(string body, string sha256) =>
        Assert.Equal(sha256, Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body))));

    [Fact]
    public void BodyHash_OfThePythonWebhookBody_EqualsItsSha256() =>
        Assert.Equal(TestVectors.V4Sha256, Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(TestVectors.V4Body))));

    [Fact]
    public void Verify_V1TokenNow_IsRefusedAsExpired()
    {
        var keys = new Dictionary<string, string> { [TestVectors.V1Key] = TestVectors.V1Secret };

        var result = LiveKitJwt.Verify(TestVectors.V1Token, keys, DateTimeOffset.UtcNow);

        Assert.False(result.Valid);
        Assert.Equal("expired", result.Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("anothersecret")]
    public void Verify_V1TokenWithAWrongSecret_IsRefusedForItsSignature(string secret)
    {
        var keys = new Dictionary<string, string> { [TestVectors.V1Key] = secret };

        var result = LiveKitJwt.Verify(TestVectors.V1Token, keys, At(TestVectors.V1NotBefore + 60));

        Assert.False(result.Valid);
        Assert.Equal("bad signature", result.Failure);
    }

    [Fact]
    public void Verify_V1TokenWithinItsValidity_IsAcceptedWithItsIssuer()
    {
        var keys = new Dictionary<string, string> { [TestVectors.V1Key] = TestVectors.V1Secret };

        var result = LiveKitJwt.Verify(TestVectors.V1Token, keys, At(TestVectors.V1NotBefore + 60));

        Assert.True(result.Valid, result.Failure);
        Assert.Equal(TestVectors.V1Key, result.Issuer);
        Assert.Equal(TestVectors.V1Key, result.Claim("sub"));
    }

    [Fact]
    public void Verify_V6WebhookToken_AcceptsWithinValidityAndOneMinuteOfLeeway()
    {
        Assert.True(LiveKitJwt.Verify(TestVectors.V6WebhookToken, V2Keys, At(1700000100)).Valid);
        Assert.True(LiveKitJwt.Verify(TestVectors.V6WebhookToken, V2Keys, At(1700000300 + 60)).Valid);
        Assert.Equal("expired", LiveKitJwt.Verify(TestVectors.V6WebhookToken, V2Keys, At(1700000300 + 61)).Failure);
        Assert.Equal("not valid yet", LiveKitJwt.Verify(TestVectors.V6WebhookToken, V2Keys, At(1700000000 - 61)).Failure);
        Assert.Equal(TestVectors.V2Sha256, LiveKitJwt.Verify(TestVectors.V6WebhookToken, V2Keys, At(1700000100)).Claim("sha256"));
    }

    [Fact]
    public void Verify_UnknownIssuer_IsRefused()
    {
        var keys = new Dictionary<string, string> { ["someone-else"] = TestVectors.V2Secret };

        Assert.Equal("unknown API key", LiveKitJwt.Verify(TestVectors.V6WebhookToken, keys, At(1700000100)).Failure);
    }

    [Fact]
    public void Verify_AlgNone_IsRefusedEvenWithValidClaims()
    {
        var parts = TestVectors.V6WebhookToken.Split('.');
        var none = System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"none","typ":"JWT"}"""u8);

        Assert.Equal("algorithm is not HS256", LiveKitJwt.Verify($"{none}.{parts[1]}.", V2Keys, At(1700000100)).Failure);
        Assert.Equal("algorithm is not HS256", LiveKitJwt.Verify($"{none}.{parts[1]}.{parts[2]}", V2Keys, At(1700000100)).Failure);
    }

    [Fact]
    public void Verify_TokenWithoutExpiry_IsRefused()
    {
        var token = LiveKitJwt.Sign(new JsonObject { ["iss"] = "abcdefg", ["nbf"] = 1700000000 }, "abababa");

        Assert.Equal("no expiry (exp)", LiveKitJwt.Verify(token, V2Keys, At(1700000100)).Failure);
    }

    [Fact]
    public void Verify_TamperedPayload_IsRefused()
    {
        var parts = TestVectors.V6ApiToken.Split('.');
        var payload = System.Buffers.Text.Base64Url.EncodeToString(
            """{"exp":1700021600,"iss":"abcdefg","nbf":1700000000,"video":{"roomList":true,"roomAdmin":true}}"""u8);

        Assert.Equal("bad signature", LiveKitJwt.Verify($"{parts[0]}.{payload}.{parts[2]}", V2Keys, At(1700000100)).Failure);
    }

    [Fact]
    public void ToJson_EveryGrantField_UsesLiveKitsClaimNames()
    {
        var claims = new LiveKitClaims
        {
            Issuer = "k",
            NotBefore = 1,
            Expires = 2,
            Video = new VideoGrant
            {
                RoomCreate = true,
                RoomList = true,
                RoomRecord = true,
                RoomAdmin = true,
                RoomJoin = true,
                Room = "r",
                CanPublish = false,
                CanSubscribe = true,
                CanPublishData = false,
                CanPublishSources = ["microphone"],
                CanUpdateOwnMetadata = true,
                IngressAdmin = true,
                Hidden = true,
                Recorder = true,
                Agent = true,
                CanSubscribeMetrics = true,
                CanManageAgentSession = true,
                DestinationRoom = "d",
            },
            Sip = new SipGrant(Admin: true, Call: true),
            Agent = new AgentGrant(true, true, true),
            Inference = new InferenceGrant(true),
            Observability = new ObservabilityGrant(true),
        };

        var json = LiveKitJwt.ToJson(claims);

        string[] video =
        [
            "agent", "canManageAgentSession", "canPublish", "canPublishData", "canPublishSources", "canSubscribe", "canSubscribeMetrics",
            "canUpdateOwnMetadata", "destinationRoom", "hidden", "ingressAdmin", "recorder", "room", "roomAdmin", "roomCreate", "roomJoin",
            "roomList", "roomRecord",
        ];
        Assert.Equal(video, json["video"]!.AsObject().Select(p => p.Key));
        Assert.False((bool)json["video"]!["canPublish"]!);
        Assert.Equal(["admin", "call"], json["sip"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["admin", "databaseAdmin", "simulationAdmin"], json["agent"]!.AsObject().Select(p => p.Key));
        Assert.True((bool)json["inference"]!["perform"]!);
        Assert.True((bool)json["observability"]!["write"]!);
    }
}
