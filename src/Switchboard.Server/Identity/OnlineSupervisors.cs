using System.Collections.Concurrent;

namespace Switchboard.Server.Identity;

/// <summary>
/// Who is online: a supervisor (or admin) counts as online while at least one of their live
/// streams (wallboard, a call, the help queue) is open. Escalations are routed to them.
/// </summary>
public sealed class OnlineSupervisors
{
    private readonly ConcurrentDictionary<string, int> _streams = new(StringComparer.Ordinal);

    /// <summary>A stream of the user opened; dispose it when the stream closes.</summary>
    public IDisposable Enter(string userId)
    {
        _streams.AddOrUpdate(userId, 1, static (_, n) => n + 1);
        return new Presence(this, userId);
    }

    /// <summary>Ids of users online now.</summary>
    public IReadOnlyCollection<string> UserIds => [.. _streams.Where(p => p.Value > 0).Select(p => p.Key)];

    /// <summary>True when the user has an open stream.</summary>
    public bool IsOnline(string userId) => _streams.TryGetValue(userId, out var n) && n > 0;

    private void Leave(string userId)
    {
        while (_streams.TryGetValue(userId, out var n))
        {
            if (n <= 1 ? _streams.TryRemove(new KeyValuePair<string, int>(userId, n)) : _streams.TryUpdate(userId, n - 1, n))
            {
                return;
            }
        }
    }

    private sealed class Presence(OnlineSupervisors owner, string userId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Leave(userId);
            }
        }
    }
}
