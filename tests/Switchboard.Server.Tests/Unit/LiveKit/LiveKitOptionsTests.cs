using Switchboard.Server.LiveKit;

namespace Switchboard.Server.Tests.Unit.LiveKit;

public sealed class LiveKitOptionsTests
{
    [Theory]
    [InlineData("wss://my.livekit.cloud", "https://my.livekit.cloud/")]
    [InlineData("ws://127.0.0.1:7880", "http://127.0.0.1:7880/")]
    [InlineData("https://lk.example.com/livekit", "https://lk.example.com/livekit/")]
    public void ApiBaseAddress_RewritesWebSocketSchemesAndKeepsPortAndPath(string url, string expected) =>
        Assert.Equal(expected, new LiveKitOptions { Url = url }.ApiBaseAddress().ToString());

    [Fact]
    public void WebhookSecrets_WithoutWebhookKeys_AcceptTheApiKey()
    {
        var options = new LiveKitOptions { Url = "https://x", ApiKey = "k", ApiSecret = "s" };

        Assert.Equal("s", options.WebhookSecrets()["k"]);
        Assert.Empty(new LiveKitOptions().WebhookSecrets());
    }

    [Fact]
    public void Validator_ReportsEveryProblemAtOnce()
    {
        var options = new LiveKitOptions { Url = "ftp://x", ApiKey = "k" };
        options.WebhookKeys["w"] = "";

        var result = new LiveKitOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
    }

    [Fact]
    public void Validator_AcceptsNothingConfigured() =>
        Assert.True(new LiveKitOptionsValidator().Validate(null, new LiveKitOptions()).Succeeded);

    [Fact]
    public void Validator_ReportsEveryRecordingProblemAtOnce_WithoutShowingTheStorageSecret()
    {
        var options = new LiveKitOptions();
        options.Recording.Enabled = true;
        options.Recording.Calls = "some";
        options.Recording.FileType = "WAV";
        options.Recording.FilepathTemplate = "recordings/all";
        options.Recording.PublicBaseUrl = "media.example.com";
        options.Recording.S3.Secret = "do-not-show-me";
        options.Recording.S3.Endpoint = "minio:9000";

        var failures = new LiveKitOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Equal(8, failures.Count);
        Assert.Contains(failures, f => f.Contains("LiveKit:Recording:Enabled needs the LiveKit server API", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("LiveKit:Recording:S3:Bucket is required", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("do-not-show-me", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_AcceptsRecordingWithTheServerApiAndTheDefaults()
    {
        var options = new LiveKitOptions { Url = "https://lk.example.com", ApiKey = "k", ApiSecret = "s" };
        options.Recording.Enabled = true;

        Assert.True(new LiveKitOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(new LiveKitOptions().Recording.Enabled);
    }
}
