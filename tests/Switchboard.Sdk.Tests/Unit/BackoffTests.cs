using Switchboard.Sdk.Internal;

namespace Switchboard.Sdk.Tests.Unit;

public sealed class BackoffTests
{
    [Fact]
    public void Delays_double_with_jitter_and_stop_at_the_maximum()
    {
        var min = TimeSpan.FromMilliseconds(250);
        var max = TimeSpan.FromSeconds(30);
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, attempt));
            for (var i = 0; i < 50; i++)
            {
                var delay = Backoff.Delay(attempt, min, max).TotalMilliseconds;
                Assert.InRange(delay, ceiling / 2, ceiling);
            }
        }
    }
}
