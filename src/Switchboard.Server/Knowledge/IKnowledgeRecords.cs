namespace Switchboard.Server.Knowledge;

/// <summary>
/// Where knowledge-base entries and their full-text index are kept: SQLite with FTS5, or
/// PostgreSQL with its own full-text search (Storage:Provider). <see cref="KnowledgeBase"/> holds
/// the rules; a store keeps exactly the approved entries searchable.
/// </summary>
public interface IKnowledgeRecords
{
    /// <summary>One entry, or null.</summary>
    Task<KbEntry?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>Entries in a status (or all), most recently changed first.</summary>
    Task<IReadOnlyList<KbEntry>> ListAsync(string? status, int limit, CancellationToken cancellationToken);

    /// <summary>Pending and approved entries of <paramref name="topic"/> (any topic when it or the entry's is null), most recently changed first.</summary>
    Task<IReadOnlyList<KbEntry>> OpenAsync(string? topic, int limit, CancellationToken cancellationToken);

    /// <summary>Stores a new entry (its <see cref="KbEntry.Id"/> is ignored) and returns it with its id.</summary>
    Task<KbEntry> InsertAsync(KbEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one more occurrence of a pending entry and keeps <paramref name="answer"/> as its
    /// newest answer; null when the entry is no longer pending.
    /// </summary>
    Task<KbEntry?> RepeatAsync(long id, string answer, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Changes entry <paramref name="id"/> in one transaction: <paramref name="change"/> gets the
    /// entry and, when <paramref name="other"/> is given, that entry (or null), both locked, and
    /// returns the entry's new state (it may throw <see cref="KbReviewConflictException"/>, which
    /// changes nothing). When the new state is merged into the other entry, its occurrences are
    /// added there. <c>updated_at</c> and <c>reviewed_by</c> are set. Null when there is no such entry.
    /// </summary>
    Task<KbEntry?> ChangeAsync(long id, long? other, string by, DateTimeOffset at, Func<KbEntry, KbEntry?, KbEntry> change, CancellationToken cancellationToken);

    /// <summary>
    /// Approved entries matching any of <paramref name="words"/> (letters and digits only), best
    /// first: the question weighs most, then the answer, then the topic.
    /// </summary>
    Task<IReadOnlyList<KbSearchHit>> SearchAsync(IReadOnlyCollection<string> words, string? topic, int limit, CancellationToken cancellationToken);

    /// <summary>Every entry, oldest first (for moving them to another store).</summary>
    Task<IReadOnlyList<KbEntry>> ExportAsync(CancellationToken cancellationToken);

    /// <summary>Stores an entry with its own id unless that id is taken; false when it was.</summary>
    Task<bool> ImportAsync(KbEntry entry, CancellationToken cancellationToken);
}
