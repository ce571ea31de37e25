using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;

namespace Switchboard.Server.Archive;

/// <summary>A call's final transcript: one line per segment, as last sent (a correction replaces it), in the order first said.</summary>
public static class FinalTranscript
{
    /// <summary>The lines of the call's log, each with its speaker (<c>customer</c> when the agent named none).</summary>
    public static IReadOnlyList<TranscriptLine> Lines(IEnumerable<StoredEvent> events)
    {
        var lines = new List<TranscriptLine>();
        var bySegment = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Type != EventTypes.TranscriptFinal || e.Data.Str("segmentId") is not { } segment)
            {
                continue;
            }

            var line = new TranscriptLine(e.Data.Str("speaker") ?? "customer", e.Data.Str("text") ?? "");
            if (bySegment.TryGetValue(segment, out var index))
            {
                lines[index] = line;
            }
            else
            {
                bySegment[segment] = lines.Count;
                lines.Add(line);
            }
        }

        return lines;
    }
}
