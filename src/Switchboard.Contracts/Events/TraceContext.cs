namespace Switchboard.Contracts.Events;

/// <summary>The W3C <c>traceparent</c> an event may carry: <c>00-{32 hex trace id}-{16 hex span id}-{2 hex flags}</c>.</summary>
public static class TraceContext
{
    /// <summary>The length of a version-00 <c>traceparent</c>.</summary>
    public const int Length = 55;

    /// <summary>Why <paramref name="value"/> is not a version-00 <c>traceparent</c>, or null when it is one.</summary>
    public static string? Problem(string value)
    {
        const string Shape = "must be a W3C traceparent: 00-{32 lower-case hex trace id}-{16 hex span id}-{2 hex flags}";
        if (value.Length != Length || !value.StartsWith("00-", StringComparison.Ordinal) || value[35] != '-' || value[52] != '-')
        {
            return Shape;
        }

        var traceId = value.AsSpan(3, 32);
        var spanId = value.AsSpan(36, 16);
        if (!Hex(traceId) || !Hex(spanId) || !Hex(value.AsSpan(53, 2)))
        {
            return Shape;
        }

        return traceId.ContainsAnyExcept('0') && spanId.ContainsAnyExcept('0') ? null : "must not have an all-zero trace id or span id";
    }

    /// <summary>The trace id of a valid <c>traceparent</c>.</summary>
    public static string TraceId(string traceparent) => traceparent.Substring(3, 32);

    private static bool Hex(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
