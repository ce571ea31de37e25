using System.Diagnostics.Metrics;
using System.Text.Json;
using Switchboard.Server.Operations;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Tests.Unit;

/// <summary>What the committed events count for: new events only, turn stages in seconds, and labels no sender can grow without bound.</summary>
public sealed class SwitchboardMetricsTests
{
    [Fact]
    public void A_turn_is_recorded_by_stage_in_seconds_and_a_resent_duplicate_counts_nothing()
    {
        // The call id tags nothing, so the listener tells this test's measurements apart by the model.
        var model = "model-" + Guid.NewGuid().ToString("N")[..8];
        using var recorded = new Recorded();
        var turn = New("metrics.turn", new { e2eMs = 1500, sttMs = 200, promptTokens = 40, completionTokens = 7, model });
        SwitchboardMetrics.ObserveCommitted([turn, turn], [new AppendResult(1, false), new AppendResult(1, true)]);

        var tokens = recorded.Where("switchboard.agent.tokens", ("model", model));
        Assert.Equal([40.0, 7.0], tokens.Select(m => m.Value));
        var latency = recorded.Values("switchboard.agent.turn.latency");
        Assert.Contains((1.5, "end_to_end"), latency);
        Assert.Contains((0.2, "stt"), latency);
    }

    [Fact]
    public void Error_types_from_agents_are_kept_only_as_short_words_and_only_so_many()
    {
        var label = new SwitchboardMetrics.BoundedLabel(3);
        Assert.Equal("llm_error", label.Of("llm_error", "error"));
        Assert.Equal("error", label.Of(null, "error"));
        Assert.Equal("other", label.Of("Robert'); DROP TABLE", "error"));
        Assert.Equal("other", label.Of(new string('a', 49), "error"));
        Assert.Equal("stt_error", label.Of("stt_error", "error"));
        Assert.Equal("tts_error", label.Of("tts_error", "error"));
        Assert.Equal("other", label.Of("fourth_kind", "error"));
        Assert.Equal("llm_error", label.Of("llm_error", "error"));
    }

    private static NewEvent New(string type, object data) =>
        new("CALL_metrics_unit", Guid.NewGuid().ToString("N"), type, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, JsonSerializer.SerializeToElement(data, Contracts.Events.ContractJson.Options));

    private sealed class Recorded : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

        public Recorded()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SwitchboardMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i.Name, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i.Name, v, tags));
            _listener.Start();
        }

        public List<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> Where(string instrument, (string Key, string Value) tag)
        {
            lock (_measurements)
            {
                return [.. _measurements.Where(m => m.Instrument == instrument && m.Tags.Any(t => t.Key == tag.Key && Equals(t.Value, tag.Value)))];
            }
        }

        public List<(double, string?)> Values(string instrument)
        {
            lock (_measurements)
            {
                return [.. _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags.FirstOrDefault(t => t.Key == "stage").Value as string))];
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Add(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (_measurements)
            {
                _measurements.Add((instrument, value, tags.ToArray()));
            }
        }
    }
}
