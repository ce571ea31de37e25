using System.Globalization;
using System.Text;

namespace Switchboard.Server.Storage.Postgres;

/// <summary>
/// The payload of the notification a node sends after each commit on PostgreSQL: the node's name,
/// then one line per call the commit changed with the call's last seq, never an event's content.
/// Call ids are visible text (docs/PROTOCOL.md), so tab and newline separate safely. A list too
/// long for one notification is stored in <c>log_notices</c>, and the payload is <c>@</c> and the row.
/// </summary>
internal static class LogNotice
{
    /// <summary>The channel every node listens on.</summary>
    public const string Channel = "switchboard_log";

    /// <summary>Largest payload sent as it is; PostgreSQL's limit is 8,000 bytes.</summary>
    public const int MaxPayloadBytes = 7000;

    /// <summary>Formats the payload.</summary>
    public static string Format(string node, IEnumerable<(string CallId, long LastSeq)> calls)
    {
        var text = new StringBuilder(node);
        foreach (var (callId, lastSeq) in calls)
        {
            text.Append('\n').Append(callId).Append('\t').Append(lastSeq.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Reads a payload: the node, then either the calls or the id of the row that holds them.</summary>
    public static (string Node, IReadOnlyList<(string CallId, long LastSeq)> Calls, long? NoticeRow) Parse(string payload)
    {
        var lines = payload.Split('\n');
        if (lines.Length == 2 && lines[1].StartsWith('@') && long.TryParse(lines[1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var row))
        {
            return (lines[0], [], row);
        }

        var calls = new List<(string, long)>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var tab = lines[i].LastIndexOf('\t');
            if (tab > 0 && long.TryParse(lines[i].AsSpan(tab + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                calls.Add((lines[i][..tab], seq));
            }
        }

        return (lines[0], calls, null);
    }
}
