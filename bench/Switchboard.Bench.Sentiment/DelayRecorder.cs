using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Switchboard.Contracts.Events;

namespace Switchboard.Bench.Sentiment;

/// <summary>Timestamps customer transcripts and their sentiment as the hub publishes them.</summary>
internal sealed class DelayRecorder
{
    private readonly Dictionary<(string CallId, long Seq), long> _committed = [];

    public List<double> Delays { get; } = new(1 << 16);

    public long Transcripts { get; private set; }

    public long Alerts { get; private set; }

    public int Pending => Volatile.Read(ref _pending);

    private int _pending;

    public async Task RunAsync(ChannelReader<StoredEvent> reader, CancellationToken cancellationToken)
    {
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var e))
                {
                    var now = Stopwatch.GetTimestamp();
                    switch (e.Type)
                    {
                        case EventTypes.TranscriptFinal when Speaker(e.Data) == "customer":
                            _committed[(e.CallId, e.Seq)] = now;
                            Transcripts++;
                            Interlocked.Increment(ref _pending);
                            break;
                        case EventTypes.SentimentScored when long.TryParse(e.Id.AsSpan("sentiment-".Length), out var seq)
                                                             && _committed.Remove((e.CallId, seq), out var committed):
                            Delays.Add(Stopwatch.GetElapsedTime(committed, now).TotalMilliseconds);
                            Interlocked.Decrement(ref _pending);
                            break;
                        case EventTypes.AlertRaised:
                            Alerts++;
                            break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static string? Speaker(JsonElement data) =>
        data.TryGetProperty("speaker", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
}
