using Switchboard.Sdk.Internal;

namespace Switchboard.Sdk.Tests.Unit;

public sealed class OverflowPolicyTests : IAsyncLifetime
{
    private readonly SwitchboardClient _client = new(new SwitchboardClientOptions
    {
        ServerUrl = new Uri("http://127.0.0.1:9/"),
        ApiKey = "sbk_unused",
        ShutdownTimeout = TimeSpan.Zero,
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public void A_full_buffer_drops_ephemeral_events_first_then_the_oldest_durable_ones()
    {
        using var call = _client.OpenCall("SIM_overflow");
        var queue = new OutboundQueue(capacity: 4);
        QueuedEvent Durable(int n) => new StateEvent(call, n, AgentState.Listening) { Number = n };
        QueuedEvent Ephemeral(int n) => new DebugEvent(call, n, "d" + n, null) { Number = n };

        queue.Enqueue(Durable(1));
        queue.Enqueue(Ephemeral(2));
        queue.Enqueue(Durable(3));
        queue.Enqueue(Ephemeral(4));
        queue.Enqueue(Durable(5)); // drops ephemeral 2
        queue.Enqueue(Durable(6)); // drops ephemeral 4
        queue.Enqueue(Durable(7)); // drops durable 1, the oldest

        var batch = new List<QueuedEvent>();
        queue.Drain(batch, 100, staleBefore: 0);
        Assert.Equal([3, 5, 6, 7], batch.Select(e => (int)e.Number));
        Assert.Equal(2, queue.DroppedEphemeral);
        Assert.Equal(1, queue.DroppedDurable);
        Assert.Equal((2L, 1L), call.TakeDropped());
    }

    [Fact]
    public void Events_leave_in_report_order_across_ephemeral_and_durable()
    {
        using var call = _client.OpenCall("SIM_order");
        var queue = new OutboundQueue(capacity: 100);
        for (var i = 1; i <= 10; i++)
        {
            queue.Enqueue(i % 3 == 0 ? new DebugEvent(call, long.MaxValue, "d", null) { Number = i } : new StateEvent(call, i, AgentState.Idle) { Number = i });
        }

        var batch = new List<QueuedEvent>();
        queue.Drain(batch, 100, staleBefore: 0);
        Assert.Equal(Enumerable.Range(1, 10), batch.Select(e => (int)e.Number));
    }

    [Fact]
    public void Ephemeral_events_too_old_to_matter_are_dropped_not_sent()
    {
        using var call = _client.OpenCall("SIM_stale");
        var queue = new OutboundQueue(capacity: 100);
        queue.Enqueue(new DebugEvent(call, 10, "old", null) { Number = 1 });
        queue.Enqueue(new StateEvent(call, 10, AgentState.Idle) { Number = 2 });
        queue.Enqueue(new DebugEvent(call, 1000, "fresh", null) { Number = 3 });

        var batch = new List<QueuedEvent>();
        queue.Drain(batch, 100, staleBefore: 500);
        Assert.Equal([2, 3], batch.Select(e => (int)e.Number));
        Assert.Equal(1, queue.DroppedEphemeral);
    }
}
