using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Streaming;

/// <summary>Writes Server-Sent Events frames to a response.</summary>
public sealed class SseWriter
{
    private static readonly byte[] HeartbeatFrame = ": keep-alive\n\n"u8.ToArray();
    private readonly HttpResponse _response;
    private readonly ArrayBufferWriter<byte> _json = new(4096);

    /// <summary>Prepares the response for an event stream.</summary>
    public SseWriter(HttpResponse response)
    {
        _response = response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>Writes a frame with optional id; the payload is serialised as one line of JSON.</summary>
    public void Write<T>(string eventName, T payload, long? id = null)
    {
        var writer = _response.BodyWriter;
        if (id is { } seq)
        {
            Ascii(writer, "id: ");
            Ascii(writer, seq.ToString(CultureInfo.InvariantCulture));
            Ascii(writer, "\n");
        }

        Ascii(writer, "event: ");
        Ascii(writer, eventName);
        Ascii(writer, "\ndata: ");
        _json.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_json))
        {
            JsonSerializer.Serialize(json, payload, ContractJson.Options);
        }

        writer.Write(_json.WrittenSpan);
        Ascii(writer, "\n\n");
    }

    /// <summary>Writes a stored event with <c>id:</c> = seq (ephemeral events carry no id).</summary>
    public void WriteEvent(StoredEvent e) => Write(e.Type, e, e.IsEphemeral ? null : e.Seq);

    /// <summary>Writes bytes that already hold complete frames (built once for many streams).</summary>
    public void WriteRaw(ReadOnlySpan<byte> frames) => _response.BodyWriter.Write(frames);

    /// <summary>Tells the client how long to wait before reconnecting.</summary>
    public void WriteRetry(int milliseconds) => Ascii(_response.BodyWriter, $"retry: {milliseconds}\n\n");

    /// <summary>A comment line that keeps idle connections open through proxies.</summary>
    public void WriteHeartbeat() => _response.BodyWriter.Write(HeartbeatFrame);

    /// <summary>Sends what was written.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken) => await _response.BodyWriter.FlushAsync(cancellationToken);

    private static void Ascii(IBufferWriter<byte> writer, string text)
    {
        var span = writer.GetSpan(text.Length);
        var n = Encoding.ASCII.GetBytes(text, span);
        writer.Advance(n);
    }
}
