using System.Text;

namespace Switchboard.Server.Tests.Unit;

/// <summary>The webhook receiver double answers only what its test says: a request cut off by <c>GoAwayAsync</c> gets no answer.</summary>
public sealed class WebhookReceiverDoubleTests
{
    [Fact]
    public async Task A_request_hanging_when_the_receiver_goes_away_is_cut_off_not_acknowledged()
    {
        await using var receiver = await Testing.WebhookReceiverDouble.StartAsync((_, _, _, _) => true);
        receiver.Respond = _ => new(204, TimeSpan.FromSeconds(30));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using var content = new StringContent("""{"data":{"callId":"c","seq":1,"type":"x"}}""", Encoding.UTF8, "application/json");
        var sending = http.PostAsync(receiver.Url, content);
        await receiver.WaitUntilAsync(r => r.Count == 1, TimeSpan.FromSeconds(10));

        await receiver.GoAwayAsync();

        // Before the fix Kestrel answered 200 for the handler that gave up.
        await Assert.ThrowsAsync<HttpRequestException>(() => sending.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Null(Assert.Single(receiver.Received).Answered);
    }
}
