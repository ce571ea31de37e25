using System.Diagnostics;
using System.Net.Http.Headers;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>
/// <c>Telemetry:OtlpEndpoint</c>: the server exports its spans and metrics over OTLP/HTTP. One event
/// an agent reports from within its own span (through the .NET SDK) is traced through ingest,
/// commit and delivery to a live stream in the agent's trace, and stored with the agent's trace
/// context.
/// </summary>
public sealed class TelemetryExportTests
{
    [Fact]
    public async Task An_event_reported_in_an_agents_span_is_traced_through_ingest_commit_and_delivery_in_the_agents_trace()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var collector = await OtlpCollectorDouble.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "switchboard-otlp-tests", Guid.NewGuid().ToString("N"));
        var agentKey = await ServerProcess.CreateKeyAsync(data, ServerSettings.Tests, "agent", "otlp", cts.Token);
        var viewerKey = await ServerProcess.CreateKeyAsync(data, ServerSettings.Tests, "viewer", "otlp-viewer", cts.Token);
        // The exporter's batch delay, as OpenTelemetry's environment variable sets it, so that spans leave within a second.
        var settings = ServerSettings.Tests with { Variables = new Dictionary<string, string>(ServerSettings.Tests.Variables) { ["OTEL_BSP_SCHEDULE_DELAY"] = "200" } };
        using var server = await ServerProcess.StartAsync(data, settings, cts.Token, "--Telemetry:OtlpEndpoint=" + collector.Url, "--Telemetry:MetricExportIntervalMilliseconds=500");
        using var agentSource = new ActivitySource("Agent.Under.Test");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == agentSource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        try
        {
            using var viewer = new HttpClient { BaseAddress = server.BaseAddress };
            viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", viewerKey);
            await using var client = new Sdk.SwitchboardClient(new Sdk.SwitchboardClientOptions { ServerUrl = server.BaseAddress, ApiKey = agentKey });
            using var call = client.OpenCall("CALL_traced_1");
            call.CallStarted();
            await client.FlushAsync(cts.Token);

            // A live stream on the call, then the agent's turn: one line reported inside its span.
            var caughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var delivered = Task.Run(
                async () =>
                {
                    await foreach (var frame in SseReader.ReadAsync(viewer, "/api/v1/calls/CALL_traced_1/stream", cancellationToken: cts.Token))
                    {
                        caughtUp.TrySetResult();
                        if (frame.Event == "transcript.final")
                        {
                            return;
                        }
                    }
                },
                cts.Token);
            await caughtUp.Task.WaitAsync(TimeSpan.FromSeconds(20), cts.Token);
            string traceId, turnSpanId;
            using (var turn = agentSource.StartActivity("agent turn"))
            {
                Assert.NotNull(turn);
                (traceId, turnSpanId) = (turn.TraceId.ToHexString(), turn.SpanId.ToHexString());
                call.FinalTranscript(Sdk.Speaker.Agent, "seg-1", "Your booking is confirmed for Friday.");
            }

            await client.FlushAsync(cts.Token);
            await delivered.WaitAsync(TimeSpan.FromSeconds(20), cts.Token);

            // Stored with the agent's trace context.
            var line = (await Events.ReadAllAsync(viewer, "CALL_traced_1")).Single(e => e.Type == "transcript.final");
            Assert.StartsWith($"00-{traceId}-{turnSpanId}-", line.Traceparent);

            // Exported: ingest is a child of the agent's span, commit of ingest, deliver of the agent's span.
            OtlpCollectorDouble.ExportedSpan Span(string name) => collector.Spans.First(s => s.TraceId == traceId && s.Name == name);
            var deadline = Stopwatch.StartNew();
            while (!new[] { "ingest", "commit", "deliver" }.All(n => collector.Spans.Any(s => s.TraceId == traceId && s.Name == n)))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "spans exported so far: " + string.Join(", ", collector.Spans.Select(s => $"{s.Name} {s.TraceId}")));
                await Task.Delay(100, cts.Token);
            }

            var ingest = Span("ingest");
            Assert.Equal(turnSpanId, ingest.ParentSpanId);
            Assert.Equal("CALL_traced_1", ingest.Attributes["switchboard.call_id"]);
            Assert.Equal(ingest.SpanId, Span("commit").ParentSpanId);
            var deliver = Span("deliver");
            Assert.Equal(turnSpanId, deliver.ParentSpanId);
            Assert.Equal("transcript.final", deliver.Attributes["switchboard.event_type"]);

            // Metrics go out over OTLP too: the server's own and ASP.NET Core's. An export can fall
            // between a commit and the end of its request, so both names are awaited.
            while (!(collector.MetricNames.Contains("switchboard.events.committed") && collector.MetricNames.Contains("http.server.request.duration")))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(45), "metrics exported: " + string.Join(", ", collector.MetricNames));
                await Task.Delay(100, cts.Token);
            }
        }
        finally
        {
            server.Dispose();
            ServerProcess.DeleteDataDirectory(data);
        }
    }

    [Fact]
    public async Task An_otlp_endpoint_that_is_not_an_http_address_stops_the_start_with_what_to_set()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var data = Path.Combine(Path.GetTempPath(), "switchboard-otlp-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output, error) = await ServerProcess.RunCommandAsync(data, cts.Token, "--urls", "http://127.0.0.1:0", "--Telemetry:OtlpEndpoint=collector:4318");
            Assert.NotEqual(0, exit);
            Assert.Contains("Telemetry:OtlpEndpoint must be an absolute http(s) address", output + error);
        }
        finally
        {
            ServerProcess.DeleteDataDirectory(data);
        }
    }
}
