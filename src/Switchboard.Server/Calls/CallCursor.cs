using System.Globalization;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Calls;

/// <summary>The <c>before</c> cursor of stored-call pages: the position of a page's last call (escape it to put it in a URL).</summary>
public static class CallCursor
{
    /// <summary>The cursor after <paramref name="call"/>.</summary>
    public static string Write(CallRecord call) =>
        call.FirstAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "." + call.CallId;

    /// <summary>Reads a cursor written by <see cref="Write"/>.</summary>
    public static bool TryRead(string cursor, out CallPosition? position)
    {
        position = null;
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(cursor.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        position = new CallPosition(new DateTimeOffset(ticks, TimeSpan.Zero), cursor[(dot + 1)..]);
        return true;
    }
}
