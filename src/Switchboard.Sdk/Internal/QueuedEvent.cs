using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Switchboard.Contracts.Events;

namespace Switchboard.Sdk.Internal;

/// <summary>
/// One reported event waiting to be sent. It is the only object allocated on the agent's thread
/// per report: the payload fields live in the subclass and are written as JSON by the sender.
/// </summary>
internal abstract class QueuedEvent(CallReporter call, string type, long atTicks)
{
    public CallReporter Call { get; } = call;

    public string Type { get; } = type;

    public long AtTicks { get; } = atTicks;

    /// <summary>
    /// The agent's span the event was reported in (<see cref="Activity.Current"/>), sent as the
    /// event's <c>traceparent</c> so Switchboard records where in the agent's trace it happened.
    /// </summary>
    private readonly ActivityContext _trace = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Context : default;

    /// <summary>Position in the call's report order; with the call's nonce it forms the event id.</summary>
    public long Number { get; set; }

    /// <summary>Global arrival order across calls, assigned by the queue.</summary>
    public long Stamp { get; set; }

    /// <summary>The serialised envelope, kept so that a resend carries exactly the same bytes.</summary>
    public byte[]? Json { get; private set; }

    public virtual bool IsEphemeral => false;

    /// <summary>An explicit event id (command acknowledgements use a stable one); null for the default.</summary>
    protected virtual string? ExplicitId => null;

    public byte[] Serialize(ArrayBufferWriter<byte> buffer)
    {
        if (Json is { } cached)
        {
            return cached;
        }

        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (ExplicitId is { } id)
            {
                writer.WriteString("id", id);
            }
            else
            {
                Span<char> chars = stackalloc char[64];
                Call.Nonce.CopyTo(chars);
                chars[Call.Nonce.Length] = '-';
                Number.TryFormat(chars[(Call.Nonce.Length + 1)..], out var written, default, System.Globalization.CultureInfo.InvariantCulture);
                writer.WriteString("id", chars[..(Call.Nonce.Length + 1 + written)]);
            }

            writer.WriteString("callId", Call.CallId);
            writer.WriteString("type", Type);
            writer.WriteString("at", new DateTimeOffset(AtTicks, TimeSpan.Zero));
            if (_trace.TraceId != default)
            {
                Span<char> trace = stackalloc char[55];
                "00-".CopyTo(trace);
                _trace.TraceId.ToHexString().CopyTo(trace[3..]);
                trace[35] = '-';
                _trace.SpanId.ToHexString().CopyTo(trace[36..]);
                trace[52] = '-';
                ((byte)_trace.TraceFlags).TryFormat(trace[53..], out _, "x2", System.Globalization.CultureInfo.InvariantCulture);
                writer.WriteString("traceparent", trace);
            }
            writer.WritePropertyName("data");
            writer.WriteStartObject();
            WriteData(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        Json = buffer.WrittenSpan.ToArray();
        return Json;
    }

    protected abstract void WriteData(Utf8JsonWriter writer);

    protected static void Optional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    protected static void Optional(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    protected static void Optional(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, v);
        }
    }

    /// <summary>Writes caller-supplied JSON as is when it is valid, otherwise as a JSON string.</summary>
    protected static void OptionalJson(Utf8JsonWriter writer, string name, string? json)
    {
        if (json is null)
        {
            return;
        }

        writer.WritePropertyName(name);
        try
        {
            using var document = JsonDocument.Parse(json);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(json);
        }
    }

    internal static readonly int MaxEventBytes = Limits.MaxEventDataBytes + 4096;
}
