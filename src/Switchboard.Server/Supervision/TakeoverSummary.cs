using System.Text;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;

namespace Switchboard.Server.Supervision;

/// <summary>What the agent is told on hand-back: who held the call, for how long, and what was said.</summary>
public static class TakeoverSummary
{
    /// <summary>Builds the summary from the final transcript lines said during the take-over.</summary>
    public static string Build(string by, DateTimeOffset from, DateTimeOffset to, IEnumerable<StoredEvent> eventsSinceTakeover, string? note)
    {
        var text = new StringBuilder();
        text.Append("Supervisor ").Append(by).Append(" handled the call for ")
            .Append(Math.Max(0, (int)(to - from).TotalSeconds)).Append(" s.");
        var lines = eventsSinceTakeover.Where(e => e.Type == EventTypes.TranscriptFinal).ToList();
        if (lines.Count == 0)
        {
            text.Append(" Nothing was said meanwhile.");
        }
        else
        {
            text.Append(" What was said meanwhile:");
            foreach (var e in lines)
            {
                text.Append('\n').Append(e.Data.Str("speaker") ?? "customer").Append(": ").Append(e.Data.Str("text"));
            }
        }

        if (!string.IsNullOrWhiteSpace(note))
        {
            text.Append("\nNote from the supervisor: ").Append(note.Trim());
        }

        // Keep the end (most recent words and the note) when it is too long for one event.
        return text.Length <= Limits.LongText ? text.ToString() : "…" + text.ToString(text.Length - Limits.LongText + 1, Limits.LongText - 1);
    }
}
