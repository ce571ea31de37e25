namespace Switchboard.Bench;

/// <summary>Server memory per active call: heap and resident size before and after opening many realistic calls.</summary>
internal static class MemoryProbe
{
    private const int CallsPerBatch = 8;

    public sealed record Result(int Calls, int EventsPerCall, double HeapBytesPerCall, double ResidentBytesPerCall, double ActiveCalls);

    public static async Task<Result> RunAsync(ServerUnderTest server, int calls, CancellationToken cancellationToken)
    {
        await using var agent = await SocketAgent.ConnectAsync(server.BaseAddress, server.AgentKey, cancellationToken);
        // Warm the paths once so their one-off allocations are not counted per call.
        await agent.SendAsync(CallEvents("warm-up"), null, cancellationToken);
        var heapBefore = await server.MetricAsync("switchboard_managed_heap_bytes", gc: true, cancellationToken);
        var rssBefore = server.ResidentBytes();
        var perCall = 0;
        for (var i = 0; i < calls; i += CallsPerBatch)
        {
            var batch = Enumerable.Range(i, Math.Min(CallsPerBatch, calls - i)).SelectMany(c => CallEvents($"M{c}")).ToList();
            perCall = batch.Count / Math.Min(CallsPerBatch, calls - i);
            await agent.SendAsync(batch, null, cancellationToken);
        }

        var heapAfter = await server.MetricAsync("switchboard_managed_heap_bytes", gc: true, cancellationToken);
        var rssAfter = server.ResidentBytes();
        var active = await server.MetricAsync("switchboard_active_calls", false, cancellationToken);
        return new Result(calls, perCall, (heapAfter - heapBefore) / calls, (double)(rssAfter - rssBefore) / calls, active);
    }

    /// <summary>A call a few minutes in: start, participants, twenty turns with states, metrics and a tool call.</summary>
    private static List<string> CallEvents(string callId)
    {
        var events = new List<string>
        {
            WireEvents.Event(callId, "call.started", """{"roomName":"room-1","agentName":"salon","direction":"inbound","caller":{"number":"+15550100"}}"""),
            WireEvents.Event(callId, "participant.joined", """{"identity":"caller","role":"customer","kind":"SIP"}"""),
            WireEvents.Event(callId, "participant.joined", """{"identity":"agent-1","role":"agent","kind":"AGENT"}"""),
        };
        for (var turn = 0; turn < 20; turn++)
        {
            events.Add(WireEvents.Event(callId, "agent.state", """{"state":"listening"}"""));
            events.Add(WireEvents.Line(callId, "Could I move my colour appointment from Tuesday to Thursday afternoon instead"));
            events.Add(WireEvents.Event(callId, "agent.state", """{"state":"thinking"}"""));
            events.Add(WireEvents.Event(callId, "metrics.turn", """{"endOfUtteranceMs":310,"sttMs":120,"llmTtftMs":420,"ttsTtfbMs":180,"e2eMs":1030,"model":"gpt-4o-mini"}"""));
            events.Add(WireEvents.Event(callId, "agent.state", """{"state":"speaking"}"""));
        }

        events.Add(WireEvents.Event(callId, "tool.called", """{"toolCallId":"t1","name":"find_slot","arguments":{"day":"thursday"}}"""));
        events.Add(WireEvents.Event(callId, "tool.result", """{"toolCallId":"t1","name":"find_slot","ok":true,"durationMs":85}"""));
        return events;
    }
}
