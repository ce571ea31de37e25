using System.Diagnostics;
using System.Text.Json;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Operations;
using Switchboard.Server.Redaction;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Ingest;

/// <summary>
/// The one way into the event log, for agents and for the server's own features. A batch is
/// validated as a whole: if any event is invalid, nothing of it is stored (docs/PROTOCOL.md).
/// Durable events are acknowledged after commit; ephemeral ones are fanned out at once. Personal
/// data in storage mode is masked in both before they go anywhere (docs/PRIVACY.md).
/// </summary>
public sealed class EventIngestor(IEventStore store, LiveCalls live, AgentCommandRouter commands, Redactor redaction, IEphemeralRelay ephemeralRelay, TimeProvider clock)
{
    /// <summary>Validates and ingests a batch.</summary>
    /// <param name="events">The batch.</param>
    /// <param name="fromAgent">True for agents: server-only event types are refused.</param>
    /// <param name="cancellationToken">Stops waiting (a queued batch still commits).</param>
    public Task<IngestOutcome> IngestAsync(IReadOnlyList<EventEnvelope?> events, bool fromAgent, CancellationToken cancellationToken) =>
        IngestAsync(events, fromAgent, derived: false, cancellationToken);

    private async Task<IngestOutcome> IngestAsync(IReadOnlyList<EventEnvelope?> events, bool fromAgent, bool derived, CancellationToken cancellationToken)
    {
        using var span = StartIngest(events);
        if (span is not null)
        {
            span.SetTag(SwitchboardTracing.EventsTag, events.Count);
            if (SingleCall(events) is { } single)
            {
                span.SetTag(SwitchboardTracing.CallIdTag, single);
            }
        }

        var errors = EventValidator.Validate(events, fromAgent);
        if (errors.Count > 0)
        {
            span?.SetStatus(ActivityStatusCode.Error, "invalid events: nothing stored");
            return new IngestOutcome(null, errors);
        }

        var now = clock.GetUtcNow();
        var durable = new List<NewEvent>(events.Count);
        List<StoredEvent>? ephemeral = null;
        var durableIndex = new int[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var data = e!.Data.ValueKind == JsonValueKind.Undefined ? EmptyData : redaction.BeforeStorage(e.CallId!, e.Type!, e.Data);
            if (EventCatalog.IsDurable(e.Type!))
            {
                durableIndex[i] = durable.Count;
                durable.Add(new NewEvent(e.CallId!, e.Id!, e.Type!, e.At!.Value, now, data, e.Traceparent));
            }
            else
            {
                durableIndex[i] = -1;
                (ephemeral ??= []).Add(new StoredEvent(e.CallId!, 0, e.Id!, e.Type!, e.At!.Value, now, data, e.Traceparent));
            }
        }

        // Ephemeral events are not stored, so they go out at once rather than after the commit.
        if (ephemeral is not null)
        {
            using var fanOut = SwitchboardTracing.Source.StartActivity("fan-out");
            fanOut?.SetTag(SwitchboardTracing.EventsTag, ephemeral.Count);
            live.OnEphemeral(ephemeral);
            ephemeralRelay.Publish(ephemeral);
        }

        IReadOnlyList<AppendResult> results;
        using (var commit = SwitchboardTracing.Source.StartActivity("commit"))
        {
            commit?.SetTag(SwitchboardTracing.EventsTag, durable.Count);
            results = await (derived ? store.AppendDerivedAsync(durable, cancellationToken) : store.AppendAsync(durable, cancellationToken));
        }

        SwitchboardMetrics.ObserveCommitted(durable, results);
        ObserveCommandOutcomes(events);
        var acks = new EventAck[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i]!;
            var d = durableIndex[i];
            acks[i] = d >= 0 ? new EventAck(e.Id!, e.CallId!, results[d].Seq, results[d].Duplicate) : new EventAck(e.Id!, e.CallId!, 0);
        }

        return new IngestOutcome(acks, null);
    }

    /// <summary>
    /// The batch's span: a child of the request's (which continues the sender's <c>traceparent</c>
    /// header), or, when the batch's events name one agent span of another trace (an SDK reports
    /// them from within its turn, over a socket opened long before), a child of that span.
    /// </summary>
    private static Activity? StartIngest(IReadOnlyList<EventEnvelope?> events)
    {
        if (!SwitchboardTracing.Source.HasListeners())
        {
            return null;
        }

        var trace = events.Count > 0 ? events[0]?.Traceparent : null;
        for (var i = 1; i < events.Count && trace is not null; i++)
        {
            if (!string.Equals(events[i]?.Traceparent, trace, StringComparison.Ordinal))
            {
                trace = null;
            }
        }

        if (trace is not null && ActivityContext.TryParse(trace, null, out var parent) && Activity.Current?.TraceId != parent.TraceId)
        {
            var links = Activity.Current is { } request ? new[] { new ActivityLink(request.Context) } : null;
            return SwitchboardTracing.Source.StartActivity("ingest", ActivityKind.Internal, parent, links: links);
        }

        return SwitchboardTracing.Source.StartActivity("ingest");
    }

    /// <summary>The call id shared by every event of the batch, or null.</summary>
    private static string? SingleCall(IReadOnlyList<EventEnvelope?> events)
    {
        var first = events.Count > 0 ? events[0]?.CallId : null;
        for (var i = 1; i < events.Count && first is not null; i++)
        {
            if (!string.Equals(events[i]?.CallId, first, StringComparison.Ordinal))
            {
                return null;
            }
        }

        return first;
    }

    /// <summary>Appends events emitted by the server itself (never refused for being server-only).</summary>
    public Task<IReadOnlyList<EventAck>> AppendServerEventsAsync(IReadOnlyList<EventEnvelope> events, CancellationToken cancellationToken) =>
        AppendServerEventsAsync(events, derived: false, cancellationToken);

    /// <summary>
    /// Appends events the server derived from committed ones (scores, attention changes), which
    /// the log may commit a few milliseconds later together with the next batch
    /// (<see cref="IEventStore.AppendDerivedAsync"/>).
    /// </summary>
    public Task<IReadOnlyList<EventAck>> AppendDerivedEventsAsync(IReadOnlyList<EventEnvelope> events, CancellationToken cancellationToken) =>
        AppendServerEventsAsync(events, derived: true, cancellationToken);

    private async Task<IReadOnlyList<EventAck>> AppendServerEventsAsync(IReadOnlyList<EventEnvelope> events, bool derived, CancellationToken cancellationToken)
    {
        var outcome = await IngestAsync(events, fromAgent: false, derived, cancellationToken);
        if (outcome.Rejected)
        {
            var first = outcome.Errors![0];
            throw new InvalidOperationException($"Server event {first.EventId} is invalid: {first.Field} {first.Message}");
        }

        return outcome.Acks!;
    }

    private void ObserveCommandOutcomes(IReadOnlyList<EventEnvelope?> events)
    {
        foreach (var e in events)
        {
            if (e!.Type == EventTypes.CommandAcked && e.Data.ValueKind == JsonValueKind.Object
                && e.Data.TryGetProperty("commandId", out var id) && id.ValueKind == JsonValueKind.String)
            {
                commands.Acknowledged(e.CallId!, id.GetString()!);
            }
            else if (e.Type == EventTypes.CallEnded)
            {
                commands.Forget(e.CallId!);
            }
        }
    }

    private static readonly JsonElement EmptyData = JsonDocument.Parse("{}").RootElement;
}
