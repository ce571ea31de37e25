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
}
