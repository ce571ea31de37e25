using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;

namespace Switchboard.Server.Archive;

/// <summary>
/// Folds a call's stored events into its <see cref="CallSummary"/>. Pure: the same events and
/// options give the same summary, with no clock and no I/O, so summaries rebuilt from the log
/// are the rows the archiver stored. Times are the events' own <c>at</c> and the segments' own
/// start and end, never when the server received them.
/// </summary>
public static class CallSummaryProjection
{
    /// <summary>The latency stages and the <c>metrics.turn</c> field each is read from.</summary>
    public static readonly IReadOnlyList<(string Stage, string Field)> Stages = [("endOfUtterance", "endOfUtteranceMs"), .. LatencyBudget.Stages];

    /// <summary>Summarises the call whose events these are, in seq order; null when there are none.</summary>
    public static CallSummary? Fold(IReadOnlyList<StoredEvent> events, ArchiveOptions options)
    {
        if (events.Count == 0)
        {
            return null;
        }

        var fold = new Folding(events[0].CallId, events[0].At);
        foreach (var e in events)
        {
            if (!e.IsEphemeral)
            {
                fold.Apply(e);
            }
        }

        return fold.Summary(options, events[^1].Seq);
    }

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0 … 100) of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed class Folding(string callId, DateTimeOffset firstAt)
    {
        private readonly Dictionary<string, (string Speaker, DateTimeOffset? Start, DateTimeOffset? End)> _segments = new(StringComparer.Ordinal);
        private readonly List<string> _personas = [];
        private readonly Dictionary<string, DateTimeOffset> _openEscalations = new(StringComparer.Ordinal);
        private readonly List<double> _secondsToAnswer = [];
        private readonly List<double> _sentiment = [];
        private readonly Dictionary<string, List<double>> _latency = new(StringComparer.Ordinal);
        private readonly List<(string? Model, long In, long Out)> _tokens = [];
        private DateTimeOffset _startedAt = firstAt;
        private DateTimeOffset? _endedAt;
        private string? _endReason;
        private string? _agentName;
        private string? _direction;
        private string? _callerNumber;
        private string? _callerName;
        private double _holdSeconds;
        private int _escalations;
        private int _answered;
        private int _timedOut;
        private int _transfers;
        private int _guidance;
        private int _takeovers;
        private double? _highestAttention;
        private int _alerts;
        private int _turns;
        private int _toolCalls;
        private int _toolErrors;
        private string? _disposition;
        private ScorecardData? _scorecard;
        private List<string> _tags = [];
        private readonly List<CallNote> _notes = [];
        private readonly List<(ReviewData Data, DateTimeOffset At)> _reviews = [];
        private readonly LiveKit.Egress.RecordingFold _recording = new();

        public void Apply(StoredEvent e)
        {
            var d = e.Data;
            _recording.Apply(e);
            switch (e.Type)
            {
                case EventTypes.CallStarted:
                    _startedAt = e.At;
                    _agentName = d.Str("agentName") ?? _agentName;
                    _direction = d.Str("direction") ?? _direction;
                    if (d.Obj("caller") is { } caller)
                    {
                        _callerNumber = caller.Str("number") ?? _callerNumber;
                        _callerName = caller.Str("name") ?? _callerName;
                    }

                    Persona(_agentName);
                    break;
                case EventTypes.CallEnded when _endedAt is null:
                    _endedAt = e.At;
                    _endReason = d.Str("reason");
                    foreach (var requested in _openEscalations.Values)
                    {
                        _holdSeconds += Seconds(requested, e.At);
                    }

                    _openEscalations.Clear();
                    break;
                case EventTypes.AgentHandoff:
                    Persona(d.Str("to"));
                    break;
                case EventTypes.TranscriptFinal when d.Str("segmentId") is { } segment:
                    // A segment sent again (a correction) counts once, as last sent.
                    _segments[segment] = (d.Str("speaker") ?? "customer", Time(d, "startedAt"), Time(d, "endedAt"));
                    break;
                case EventTypes.EscalationRequested when d.Str("requestId") is { } request && !_openEscalations.ContainsKey(request):
                    _escalations++;
                    _openEscalations[request] = e.At;
                    break;
                case EventTypes.EscalationAnswered or EventTypes.EscalationTimedOut or EventTypes.EscalationCancelled
                    when d.Str("requestId") is { } request && _openEscalations.Remove(request, out var asked):
                    _holdSeconds += Seconds(asked, e.At);
                    if (e.Type == EventTypes.EscalationAnswered)
                    {
                        _answered++;
                        _secondsToAnswer.Add(Seconds(asked, e.At));
                    }
                    else if (e.Type == EventTypes.EscalationTimedOut)
                    {
                        _timedOut++;
                    }

                    break;
                case EventTypes.TransferCompleted:
                    _transfers++;
                    break;
                case EventTypes.SupervisorGuidance:
                    _guidance++;
                    break;
                case EventTypes.ControlTakeover:
                    _takeovers++;
                    break;
                case EventTypes.SentimentScored when d.Num("score") is { } score:
                    _sentiment.Add(score);
                    break;
                case EventTypes.AlertRaised:
                    _alerts++;
                    if (d.Num("score") is { } attention)
                    {
                        _highestAttention = Math.Max(_highestAttention ?? attention, attention);
                    }

                    break;
                case EventTypes.MetricsTurn:
                    _turns++;
                    foreach (var (stage, field) in Stages)
                    {
                        if (d.Num(field) is { } ms)
                        {
                            (_latency.TryGetValue(stage, out var values) ? values : _latency[stage] = []).Add(ms);
                        }
                    }

                    _tokens.Add((d.Str("model"), (long)(d.Num("promptTokens") ?? 0), (long)(d.Num("completionTokens") ?? 0)));
                    break;
                case EventTypes.ToolCalled:
                    _toolCalls++;
                    break;
                case EventTypes.ToolResult when d.Bool("ok") == false:
                    _toolErrors++;
                    break;
                case EventTypes.ScorecardCompleted:
                    _scorecard = System.Text.Json.JsonSerializer.Deserialize<ScorecardData>(d, ContractJson.Options);
                    break;
                case EventTypes.ScorecardReviewed:
                    _reviews.Add((System.Text.Json.JsonSerializer.Deserialize<ReviewData>(d, ContractJson.Options)!, e.At));
                    break;
                case EventTypes.CallDisposition:
                    _disposition = d.Str("disposition") ?? _disposition;
                    if (d.TryGetProperty("tags", out var tags) && tags.ValueKind == System.Text.Json.JsonValueKind.Array)
                    {
                        _tags = [.. tags.EnumerateArray().Select(t => t.GetString()).OfType<string>().Distinct(StringComparer.Ordinal)];
                    }

                    if (d.Str("note") is { } note)
                    {
                        _notes.Add(new CallNote(d.Str("by") ?? "", e.At, note));
                    }

                    break;
            }
        }

        public CallSummary Summary(ArchiveOptions options, long lastSeq)
        {
            var talk = new SortedDictionary<string, double>(StringComparer.Ordinal);
            var timed = _segments.Values.Where(s => s is { Start: not null, End: not null }).OrderBy(s => s.Start).ToList();
            foreach (var (speaker, start, end) in timed)
            {
                talk[speaker] = talk.GetValueOrDefault(speaker) + Seconds(start!.Value, end!.Value);
            }

            // Dead air: a silence between the end of all speech so far and the next segment's start.
            double deadAir = 0, longest = 0;
            var gaps = 0;
            DateTimeOffset? speechEnd = null;
            foreach (var (_, start, end) in timed)
            {
                if (speechEnd is { } heard && Seconds(heard, start!.Value) is var silence)
                {
                    longest = Math.Max(longest, silence);
                    if (silence > options.DeadAirSeconds)
                    {
                        deadAir += silence;
                        gaps++;
                    }
                }

                speechEnd = speechEnd is { } soFar && soFar > end!.Value ? soFar : end;
            }

            var handle = _endedAt is { } ended ? Seconds(_startedAt, ended) : 0;
            var latency = new SortedDictionary<string, LatencyFigures>(StringComparer.Ordinal);
            foreach (var (stage, values) in _latency)
            {
                var sorted = values.Order().ToList();
                latency[stage] = new LatencyFigures(sorted.Count, Percentile(sorted, 50), Percentile(sorted, 95), sorted[^1]);
            }

            // The latest review of the scorecard version the call holds; a review of an older version no longer applies.
            var review = _reviews.LastOrDefault(r => _scorecard is not null && r.Data.Scorecard == _scorecard.Scorecard && r.Data.Version == _scorecard.Version) is ({ } data, var at)
                ? new CallReview(data.Verdict ?? "", data.Score, data.Note, data.By ?? "", at)
                : null;
            return new CallSummary
            {
                CallId = callId,
                LastSeq = lastSeq,
                AgentName = _agentName,
                Personas = [.. _personas],
                Direction = _direction,
                CallerNumber = _callerNumber,
                CallerName = _callerName,
                StartedAt = _startedAt,
                EndedAt = _endedAt,
                EndReason = _endReason,
                HandleSeconds = Round(handle),
                TalkSeconds = talk.ToDictionary(p => p.Key, p => Round(p.Value), StringComparer.Ordinal),
                HoldSeconds = Round(_holdSeconds),
                DeadAirSeconds = Round(deadAir),
                DeadAirGaps = gaps,
                LongestSilenceSeconds = Round(longest),
                Contained = _takeovers == 0 && _transfers == 0 && _endReason != "transferred",
                Transfers = _transfers,
                Escalations = new EscalationFigures(
                    _escalations,
                    _answered,
                    _timedOut,
                    _secondsToAnswer.Count > 0 ? Round(_secondsToAnswer.Average()) : null,
                    _secondsToAnswer.Count > 0 ? Round(_secondsToAnswer.Max()) : null),
                AnswerBuckets = Histogram.Of(_secondsToAnswer),
                Guidance = _guidance,
                Takeovers = _takeovers,
                Sentiment = _sentiment.Count > 0 ? new SentimentFigures(_sentiment[0], _sentiment[^1], _sentiment.Min(), Round(_sentiment.Average())) : null,
                HighestAttention = _highestAttention,
                Alerts = _alerts,
                Latency = latency.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
                LatencyBuckets = new SortedDictionary<string, SortedDictionary<int, long>>(_latency.ToDictionary(p => p.Key, p => Histogram.Of(p.Value)), StringComparer.Ordinal),
                Turns = _turns,
                TokensIn = _tokens.Sum(t => t.In),
                TokensOut = _tokens.Sum(t => t.Out),
                Cost = Cost(options.Prices, talk, handle),
                ToolCalls = _toolCalls,
                ToolErrors = _toolErrors,
                Disposition = _disposition,
                Score = review is { Verdict: ReviewData.Overridden, Score: { } overridden } ? overridden : _scorecard?.Score,
                Review = review,
                Flagged = _scorecard?.Flagged ?? false,
                Scorecard = _scorecard,
                Tags = [.. _tags],
                Notes = [.. _notes],
                Recording = _recording.Result,
            };
        }

        private CostFigures Cost(PriceTable prices, IReadOnlyDictionary<string, double> talk, double handle)
        {
            double llm = 0;
            foreach (var (model, tokensIn, tokensOut) in _tokens)
            {
                if (model is not null && prices.Models.TryGetValue(model, out var price))
                {
                    llm += (tokensIn * price.PromptPer1K + tokensOut * price.CompletionPer1K) / 1000;
                }
            }

            var stt = talk.GetValueOrDefault("customer") / 60 * prices.SttPerMinute;
            var tts = talk.GetValueOrDefault("agent") / 60 * prices.TtsPerMinute;
            var telephony = _callerNumber is null ? 0 : handle / 60 * prices.TelephonyPerMinute;
            return new CostFigures(Money(llm + stt + tts + telephony), Money(llm), Money(stt), Money(tts), Money(telephony));
        }

        private void Persona(string? name)
        {
            if (name is not null && !_personas.Contains(name, StringComparer.Ordinal))
            {
                _personas.Add(name);
            }
        }

        private static DateTimeOffset? Time(System.Text.Json.JsonElement d, string name) =>
            d.Str(name) is { } s && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;

        private static double Seconds(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (to - from).TotalSeconds);

        private static double Round(double value) => Math.Round(value, 3);

        private static double Money(double value) => Math.Round(value, 6);
    }
}
