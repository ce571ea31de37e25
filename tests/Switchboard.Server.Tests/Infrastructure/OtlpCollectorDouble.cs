using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>
/// A test double of an OpenTelemetry collector's OTLP/HTTP receiver on loopback: it accepts
/// <c>POST /v1/traces</c> and <c>POST /v1/metrics</c> in the protobuf encoding (the exporter's
/// default), decodes the spans (trace id, span id, parent, name, attributes) and the metric names,
/// and answers an empty export response as a collector does.
/// </summary>
public sealed class OtlpCollectorDouble : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();
    private readonly ConcurrentDictionary<string, int> _metrics = new(StringComparer.Ordinal);

    private OtlpCollectorDouble(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyCollection<ExportedSpan> Spans => _spans;

    public ICollection<string> MetricNames => _metrics.Keys;

    public static async Task<OtlpCollectorDouble> StartAsync()
    {
        OtlpCollectorDouble? collector = null;
        var (_, url) = await LoopbackApp.StartAsync(app =>
        {
            collector = new OtlpCollectorDouble(app);
            app.MapPost("/v1/traces", (HttpContext context) => collector.ReceiveAsync(context, collector.ReadTraces));
            app.MapPost("/v1/metrics", (HttpContext context) => collector.ReceiveAsync(context, collector.ReadMetrics));
        });
        collector!.Url = url;
        return collector;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task ReceiveAsync(HttpContext context, Action<byte[]> read)
    {
        if (context.Request.ContentType != "application/x-protobuf")
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        read(body.ToArray());
        context.Response.ContentType = "application/x-protobuf";
    }

    // ExportTraceServiceRequest { 1: ResourceSpans { 2: ScopeSpans { 2: Span } } }
    private void ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Protobuf.Messages(request, 1))
        {
            foreach (var scopeSpans in Protobuf.Messages(resourceSpans, 2))
            {
                foreach (var span in Protobuf.Messages(scopeSpans, 2))
                {
                    _spans.Enqueue(ReadSpan(span));
                }
            }
        }
    }

    // ExportMetricsServiceRequest { 1: ResourceMetrics { 2: ScopeMetrics { 2: Metric { 1: name } } } }
    private void ReadMetrics(byte[] request)
    {
        foreach (var resourceMetrics in Protobuf.Messages(request, 1))
        {
            foreach (var scopeMetrics in Protobuf.Messages(resourceMetrics, 2))
            {
                foreach (var metric in Protobuf.Messages(scopeMetrics, 2))
                {
                    foreach (var name in Protobuf.Messages(metric, 1))
                    {
                        _metrics.AddOrUpdate(Encoding.UTF8.GetString(name), 1, (_, n) => n + 1);
                    }
                }
            }
        }
    }

    // Span { 1: trace_id, 2: span_id, 4: parent_span_id, 5: name, 9: KeyValue attributes }
    private static ExportedSpan ReadSpan(byte[] span)
    {
        string Hex(int field) => Protobuf.Messages(span, field).Select(b => Convert.ToHexStringLower(b)).FirstOrDefault() ?? "";
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Protobuf.Messages(span, 9))
        {
            var key = Encoding.UTF8.GetString(Protobuf.Messages(keyValue, 1).First());
            var value = Protobuf.Messages(keyValue, 2).FirstOrDefault() is { } any ? Protobuf.AnyValue(any) : "";
            attributes[key] = value;
        }

        return new ExportedSpan(Hex(1), Hex(2), Hex(4), Encoding.UTF8.GetString(Protobuf.Messages(span, 5).FirstOrDefault() ?? []), attributes);
    }

    public sealed record ExportedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

    /// <summary>Just enough of the protobuf wire format to walk OTLP messages.</summary>
    private static class Protobuf
    {
        /// <summary>The length-delimited values of <paramref name="field"/> in a message.</summary>
        public static IEnumerable<byte[]> Messages(byte[] message, int field)
        {
            var i = 0;
            while (i < message.Length)
            {
                var key = Varint(message, ref i);
                var (number, wire) = ((int)(key >> 3), (int)(key & 7));
                switch (wire)
                {
                    case 0:
                        Varint(message, ref i);
                        break;
                    case 1:
                        i += 8;
                        break;
                    case 5:
                        i += 4;
                        break;
                    case 2:
                        var length = (int)Varint(message, ref i);
                        if (number == field)
                        {
                            yield return message[i..(i + length)];
                        }

                        i += length;
                        break;
                    default:
                        throw new InvalidDataException($"protobuf wire type {wire} is not expected in OTLP");
                }
            }
        }

        // AnyValue { 1: string_value, 3: int_value (varint) }
        public static string AnyValue(byte[] any)
        {
            var i = 0;
            while (i < any.Length)
            {
                var key = Varint(any, ref i);
                if (key == (1 << 3 | 2))
                {
                    var length = (int)Varint(any, ref i);
                    return Encoding.UTF8.GetString(any, i, length);
                }

                if (key == (3 << 3 | 0))
                {
                    return ((long)Varint(any, ref i)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return "";
            }

            return "";
        }

        private static ulong Varint(byte[] data, ref int i)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[i++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
    }
}
