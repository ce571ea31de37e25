using System.Runtime.CompilerServices;

namespace Switchboard.Server.Redaction;

/// <summary>
/// A small fixed-size cache keyed by object identity: the masked variant of an event or text that
/// many viewers are sent is made once, not once per viewer. Direct-mapped (a newer key takes the
/// slot of an older one), so it holds at most its size in entries and never needs a lock; a miss
/// only costs making the value again.
/// </summary>
internal sealed class ReferenceCache<TKey, TValue>
    where TKey : class
    where TValue : class
{
    private readonly Entry?[] _slots;

    /// <param name="size">Slots; a power of two.</param>
    public ReferenceCache(int size)
    {
        if (size <= 0 || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "The size must be a power of two.");
        }

        _slots = new Entry?[size];
    }

    /// <summary>The value made for <paramref name="key"/> (this very object), making it if it is not held.</summary>
    public TValue GetOrAdd<TState>(TKey key, TState state, Func<TKey, TState, TValue> make)
    {
        ref var slot = ref _slots[RuntimeHelpers.GetHashCode(key) & (_slots.Length - 1)];
        var entry = Volatile.Read(ref slot);
        if (entry is not null && ReferenceEquals(entry.Key, key))
        {
            return entry.Value;
        }

        var value = make(key, state);
        Volatile.Write(ref slot, new Entry(key, value));
        return value;
    }

    private sealed record Entry(TKey Key, TValue Value);
}
