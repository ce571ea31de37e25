namespace Switchboard.Server.Tests.Unit.LiveKit;

/// <summary>The test vectors of LIVEKIT.md §6, byte for byte.</summary>
public static class TestVectors
{
    // V1: livekit/protocol auth/verifier_test.go — a fixed, expired token.
    public const string V1Key = "APID3B67uxk4Nj2GKiRPibAZ9";
    public const string V1Secret = "YHC-CUhbQhGeVCaYgn1BNA++";
    public const string V1Token =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE2MDg5MzAzMDgsImlzcyI6IkFQSUQzQjY3dXhrNE5qMkdLaVJQaWJBWjkiLCJuYmYiOjE2MDg5MjY3MDgsInJvb21fam9pbiI6dHJ1ZSwicm9vbV9zaWQiOiJteWlkIiwic3ViIjoiQVBJRDNCNjd1eGs0TmoyR0tpUlBpYkFaOSJ9.cmHEBq0MLyRqphmVLM2cLXg5ao5Sro7am8yXhcYKcwE";
    public const long V1NotBefore = 1608926708;
    public const long V1Expires = 1608930308;

    // V2: node-sdks WebhookReceiver.test.ts.
    public const string V2Key = "abcdefg";
    public const string V2Secret = "abababa";
    public const string V2Body =
        """{"event":"room_started", "room":{"sid":"RM_TkVjUvAqgzKz", "name":"mytestroom", "emptyTimeout":300, "creationTime":"1628545903", "turnPassword":"ICkSr2rEeslkN6e9bXL4Ji5zzMD5Z7zzr6ulOaxMj6N", "enabledCodecs":[{"mime":"audio/opus"}, {"mime":"video/VP8"}]}}""";
    public const string V2Sha256 = "CoEQz1chqJ9bnZRcORddjplkvpjmPujmLTR42DbefYI=";

    // V3: server-sdk-kotlin WebhookReceiverTest.kt — the same JSON over three lines.
    public const string V3Secret = "ababababababababababababababababababababababababababababababa";
    public const string V3Body =
        "{\"event\":\"room_started\", \"room\":{\"sid\":\"RM_TkVjUvAqgzKz\", \"name\":\"mytestroom\", \n"
        + "\"emptyTimeout\":300, \"creationTime\":\"1628545903\", \"turnPassword\":\"ICkSr2rEeslkN6e9bXL4Ji5zzMD5Z7zzr6ulOaxMj6N\", \n"
        + "\"enabledCodecs\":[{\"mime\":\"audio/opus\"}, {\"mime\":\"video/VP8\"}]}}";
    public const string V3Sha256 = "1renMMRYeCXsy6M9bjJ90XA3M1q1byhUGNoD91aPuhM=";

    // V4: python-sdks tests/api/test_webhook.py — pretty-printed, starting and ending with a newline.
    public const string V4Key = "myapikey";
    public const string V4Secret = "thiskeyistotallyunsafe";
    public const string V4Sha256 = "e9BKDBVr10T3b61hmsRIYdd58AMKfFxTyBNo4b/qNZw=";

    public static string V4Body
    {
        get
        {
            string[] codecs = ["audio/opus", "video/H264", "video/VP8", "video/AV1", "video/H264", "audio/red", "video/VP9"];
            return "\n{\n  \"event\": \"room_started\",\n  \"room\": {\n    \"sid\": \"RM_hycBMAjmt6Ub\",\n    \"name\": \"Demo Room\",\n"
                + "    \"emptyTimeout\": 300,\n    \"creationTime\": \"1692627281\",\n    \"turnPassword\": \"2Pvdj+/WV1xV4EkB8klJ9xkXDWY=\",\n"
                + "    \"enabledCodecs\": [\n"
                + string.Join(",\n", codecs.Select(c => $"      {{\n        \"mime\": \"{c}\"\n      }}"))
                + "\n    ]\n  },\n  \"id\": \"EV_eugWmGhovZmm\",\n  \"createdAt\": \"1692985556\"\n}\n";
        }
    }

    // V6: self-made (not official) signing vectors with key abcdefg / secret abababa.
    public const string V6WebhookToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3MDAwMDAzMDAsImlzcyI6ImFiY2RlZmciLCJuYmYiOjE3MDAwMDAwMDAsInNoYTI1NiI6IkNvRVF6MWNocUo5Ym5aUmNPUmRkanBsa3Zwam1QdWptTFRSNDJEYmVmWUk9In0.p0Zs7qvxsoJewJD_fRt87x0joY8bTUZaiJJX3Jjxc-8";
    public const string V6ApiToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3MDAwMjE2MDAsImlzcyI6ImFiY2RlZmciLCJuYmYiOjE3MDAwMDAwMDAsInZpZGVvIjp7InJvb21MaXN0Ijp0cnVlfX0.he28r0tl4v_2FcIsMHNs7wu_Pi94HW6ufAGHRmyPRT4";
    public const string V6JoinToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3MDAwMjE2MDAsImlzcyI6ImFiY2RlZmciLCJuYW1lIjoibXluYW1lIiwibmJmIjoxNzAwMDAwMDAwLCJzdWIiOiJtZSIsInZpZGVvIjp7InJvb20iOiJteXJvb20iLCJyb29tSm9pbiI6dHJ1ZX19.S6ihiSGCo8tbYv3p8iOT8pu6mqy6Hrmk0-ZbSxEO7Z8";
}
