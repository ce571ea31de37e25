using System.Collections.Concurrent;

namespace Switchboard.Server.Identity;

/// <summary>
/// Who is online: a supervisor (or admin) counts as online while at least one of their live
/// streams (wallboard, a call, the help queue) is open. Escalations are routed to them, and when
/// their last stream of a call closes, <see cref="LeftCall"/> lets supervision stop showing them as watching.
/// </summary>
public sealed class OnlineSupervisors
{
    private readonly ConcurrentDictionary<string, int> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string User, string Call), int> _callStreams = new();

    /// <summary>Raised with (user id, call id) when the user's last open stream of that call closes.</summary>
    public event Action<string, string>? LeftCall;

    /// <summary>A stream of the user opened (of one call, or none); dispose it when the stream closes.</summary>
    public IDisposable Enter(string userId, string? callId = null)
    {
        _streams.AddOrUpdate(userId, 1, static (_, n) => n + 1);
        if (callId is not null)
        {
            _callStreams.AddOrUpdate((userId, callId), 1, static (_, n) => n + 1);
        }

        return new Presence(this, userId, callId);
    }

    /// <summary>Ids of users online now.</summary>
    public IReadOnlyCollection<string> UserIds => [.. _streams.Where(p => p.Value > 0).Select(p => p.Key)];

    /// <summary>True when the user has an open stream.</summary>
    public bool IsOnline(string userId) => _streams.TryGetValue(userId, out var n) && n > 0;

    private void Leave(string userId, string? callId)
    {
        Decrement(_streams, userId);
        if (callId is not null && Decrement(_callStreams, (userId, callId)))
        {
            LeftCall?.Invoke(userId, callId);
        }
    }

    private static bool Decrement<TKey>(ConcurrentDictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        while (counts.TryGetValue(key, out var n))
        {
            if (n <= 1)
            {
                if (counts.TryRemove(new KeyValuePair<TKey, int>(key, n)))
                {
                    return true;
                }
            }
            else if (counts.TryUpdate(key, n - 1, n))
            {
                return false;
            }
        }

        return false;
    }

    private sealed class Presence(OnlineSupervisors owner, string userId, string? callId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Leave(userId, callId);
            }
        }
    }
}
