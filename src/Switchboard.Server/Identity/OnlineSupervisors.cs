using System.Collections.Concurrent;

namespace Switchboard.Server.Identity;

/// <summary>
/// Who is online: a supervisor (or admin) counts as online while at least one of their live
/// streams (wallboard, a call, the help queue) is open, on this node or, when nodes share
/// PostgreSQL, on another (<see cref="SupervisorPresenceSync"/> keeps <see cref="Elsewhere"/>).
/// Escalations are routed to them, and when their last stream of a call on this node closes,
/// <see cref="LeftCall"/> lets supervision stop showing them as watching.
/// </summary>
public sealed class OnlineSupervisors
{
    private readonly ConcurrentDictionary<string, int> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string User, string Call), int> _callStreams = new();
    private IReadOnlyList<PresenceRow> _elsewhere = [];

    /// <summary>Raised with (user id, call id) when the user's last open stream of that call on this node closes.</summary>
    public event Action<string, string>? LeftCall;

    /// <summary>Raised when a stream on this node opens or closes.</summary>
    public event Action? Changed;

    /// <summary>Other nodes' streams, as last read (fresh rows only).</summary>
    public IReadOnlyList<PresenceRow> Elsewhere
    {
        get => Volatile.Read(ref _elsewhere);
        set => Volatile.Write(ref _elsewhere, value);
    }

    /// <summary>This node's open streams: (user, empty) for each user online here, and (user, call) for each call they watch here.</summary>
    public IReadOnlyCollection<(string UserId, string CallId)> LocalStreams =>
        [.. _streams.Where(p => p.Value > 0).Select(p => (p.Key, "")), .. _callStreams.Where(p => p.Value > 0).Select(p => (p.Key.User, p.Key.Call))];

    /// <summary>A stream of the user opened (of one call, or none); dispose it when the stream closes.</summary>
    public IDisposable Enter(string userId, string? callId = null)
    {
        _streams.AddOrUpdate(userId, 1, static (_, n) => n + 1);
        if (callId is not null)
        {
            _callStreams.AddOrUpdate((userId, callId), 1, static (_, n) => n + 1);
        }

        Changed?.Invoke();
        return new Presence(this, userId, callId);
    }

    /// <summary>Ids of users online now, here or on another node.</summary>
    public IReadOnlyCollection<string> UserIds =>
        [.. _streams.Where(p => p.Value > 0).Select(p => p.Key).Union(Elsewhere.Select(r => r.UserId), StringComparer.Ordinal)];

    /// <summary>True when the user has an open stream here or on another node.</summary>
    public bool IsOnline(string userId) => (_streams.TryGetValue(userId, out var n) && n > 0) || Elsewhere.Any(r => r.UserId == userId);

    private void Leave(string userId, string? callId)
    {
        Decrement(_streams, userId);
        var leftCall = callId is not null && Decrement(_callStreams, (userId, callId));
        Changed?.Invoke();
        if (leftCall)
        {
            LeftCall?.Invoke(userId, callId!);
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
