using System.Collections.Concurrent;
using Switchboard.Agents.Runtime;

namespace Switchboard.Agents.Tests.Infrastructure;

/// <summary>What the caller hears and the console would show, line by line, with waits that time out.</summary>
public sealed class RecordingOutput : LineOutput
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Waits for a line containing <paramref name="text"/>; fails after <paramref name="timeout"/> with every line so far.</summary>
    public async Task<string> WaitForAsync(string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var line = _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            try
            {
                await _changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no line with '{text}' within {timeout}; heard: {string.Join(" | ", _lines)}");
            }
        }
    }

    protected override void Write(string line)
    {
        _lines.Enqueue(line);
        _changed.Release();
    }
}
