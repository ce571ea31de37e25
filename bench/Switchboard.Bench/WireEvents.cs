using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Switchboard.Bench;

/// <summary>Builds agent messages as raw JSON text, so the load generator spends little CPU of its own.</summary>
internal static class WireEvents
{
    private static long s_next;

    public static string Line(string callId, string text) =>
        $$$"""{"id":"b{{{Interlocked.Increment(ref s_next)}}}","callId":"{{{callId}}}","type":"transcript.final","at":"{{{DateTime.UtcNow:O}}}","data":{"speaker":"customer","segmentId":"s{{{s_next}}}","text":"{{{text}}}"}}""";

    /// <summary>A transcript line whose text carries the send time, for delivery latency.</summary>
    /// <remarks>
    /// Twenty digits, zero-padded: a 13–19-digit stamp passing Luhn would be masked as a card number
    /// (docs/PRIVACY.md) and could no longer be read back.
    /// </remarks>
    public static string Stamped(string callId) =>
        Line(callId, "t=" + Stopwatch.GetTimestamp().ToString("D20", CultureInfo.InvariantCulture) + " I would like to move my appointment please");

    public static string Event(string callId, string type, string data) =>
        $$$"""{"id":"b{{{Interlocked.Increment(ref s_next)}}}","callId":"{{{callId}}}","type":"{{{type}}}","at":"{{{DateTime.UtcNow:O}}}","data":{{{data}}}}""";

    /// <summary>A whole short call: started, a greeting, the caller's line, one turn's metrics, ended.</summary>
    public static List<string> ShortCall(string callId) =>
    [
        Event(callId, "call.started", """{"agentName":"churn","direction":"inbound"}"""),
        Event(callId, "transcript.final", """{"speaker":"agent","segmentId":"a1","text":"Hello, thanks for calling"}"""),
        Line(callId, "I would like to check my order please"),
        Event(callId, "metrics.turn", """{"turnId":"t1","sttMs":310,"llmTtftMs":650,"ttsTtfbMs":240,"e2eMs":1500}"""),
        Event(callId, "call.ended", """{"reason":"completed"}"""),
    ];

    public static byte[] SocketBatch(string reference, IEnumerable<string> events) =>
        Encoding.UTF8.GetBytes($$$"""{"op":"events","ref":"{{{reference}}}","events":[{{{string.Join(',', events)}}}]}""");

    public static byte[] HttpBatch(IEnumerable<string> events) =>
        Encoding.UTF8.GetBytes($$$"""{"events":[{{{string.Join(',', events)}}}]}""");
}
