using System.Collections.Concurrent;
using System.Diagnostics;
using Switchboard.Server.Operations;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>The server's spans continue an agent's W3C trace: ingest, with commit and fan-out inside it.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_batch_sent_with_the_agent_s_traceparent_is_ingested_committed_and_fanned_out_in_the_agent_s_trace()
    {
        var trace = ActivityTraceId.CreateRandom();
        var agentSpan = ActivitySpanId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SwitchboardTracing.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == trace)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = new SwitchboardApp();
        using var agent = app.ClientWithKey(app.CreateKey("agent"));
        agent.DefaultRequestHeaders.Add("traceparent", $"00-{trace}-{agentSpan}-01");

        await Events.PostAsync(agent,
            Events.Started("RM_traced"),
            Events.Make("RM_traced", "interim-1", "transcript.interim", new { speaker = "customer", segmentId = "s1", text = "I was" }),
            Events.Line("RM_traced", "line-1", "I was charged twice."));

        // The request's span ends just after its answer is sent.
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!spans.Any(s => s.Source.Name == "Microsoft.AspNetCore"))
        {
            await Task.Delay(10, wait.Token);
        }

        var request = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal(agentSpan, request.ParentSpanId);
        var ingest = Assert.Single(spans, s => s.Source.Name == SwitchboardTracing.SourceName && s.OperationName == "ingest");
        Assert.Equal(request.SpanId, ingest.ParentSpanId);
        Assert.Equal(("RM_traced", 3), ((string?)ingest.GetTagItem(SwitchboardTracing.CallIdTag), (int?)ingest.GetTagItem(SwitchboardTracing.EventsTag)));
        var commit = Assert.Single(spans, s => s.OperationName == "commit");
        var fanOut = Assert.Single(spans, s => s.OperationName == "fan-out");
        Assert.Equal((ingest.SpanId, 2), (commit.ParentSpanId, (int?)commit.GetTagItem(SwitchboardTracing.EventsTag)));
        Assert.Equal((ingest.SpanId, 1), (fanOut.ParentSpanId, (int?)fanOut.GetTagItem(SwitchboardTracing.EventsTag)));
    }

    [Fact]
    public async Task An_escalation_an_agent_raises_has_its_span_naming_the_call()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SwitchboardTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem(SwitchboardTracing.CallIdTag) == "RM_traced_help")
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = new SwitchboardApp();
        using var agent = app.ClientWithKey(app.CreateKey("agent"));
        await Events.PostAsync(agent,
            Events.Started("RM_traced_help"),
            Events.Make("RM_traced_help", "esc-1", "escalation.requested", new { requestId = "req-1", question = "Can we refund twice?" }));

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!spans.Any(s => s.OperationName == "escalation requested"))
        {
            await Task.Delay(20, wait.Token); // throws, failing the test, if the span never ends
        }

        Assert.Equal(ActivityStatusCode.Unset, spans.First(s => s.OperationName == "escalation requested").Status);
    }
}
