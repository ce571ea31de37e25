using System.Runtime.CompilerServices;
using System.Text;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>Reads SSE frames from a streaming response, as EventSource would.</summary>
public static class SseReader
{
    /// <summary>Reads frames until one satisfies <paramref name="last"/> (included), for at most 10 seconds.</summary>
    public static async Task<List<SseFrame>> ReadUntilAsync(HttpClient client, string url, Func<SseFrame, bool> last, string? lastEventId = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var frames = new List<SseFrame>();
        await foreach (var frame in ReadAsync(client, url, lastEventId, timeout.Token))
        {
            frames.Add(frame);
            if (last(frame))
            {
                return frames;
            }
        }

        throw new InvalidOperationException($"{url} ended before the frame looked for; it sent {string.Join(", ", frames.Select(f => f.Event))}.");
    }

    /// <summary>Opens a stream (optionally resuming) and yields its frames; comments are skipped.</summary>
    public static async IAsyncEnumerable<SseFrame> ReadAsync(
        HttpClient client, string url, string? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? id = null;
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null || data.Length > 0)
                {
                    yield return new SseFrame(id, name ?? "message", data.ToString());
                }

                id = null;
                name = null;
                data.Clear();
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }
    }
}
