using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Storage.Postgres;

/// <summary>
/// The writer of one node on PostgreSQL. Several nodes write the same log, so nothing about a
/// call is cached between commits: each commit locks the rows of its calls (<c>FOR UPDATE</c>),
/// reads their last seq, and assigns the next ones, gap-free because a rolled-back transaction
/// stores nothing. Events go in with one binary COPY; the transaction ends with one
/// <c>NOTIFY</c> that names the calls it changed and their last seq (<see cref="LogNotice"/>).
/// </summary>
internal sealed class PostgresEventWriter(NpgsqlDataSource dataSource, string nodeId) : IEventWriter
{
    /// <summary>Taken (per transaction) while new calls get their marks, so marks follow commit order.</summary>
    internal const long NewCallLock = 0x5357_4341_4C4C;

    private NpgsqlConnection? _connection;
    private long _commits;

    /// <inheritdoc />
    public CommittedBatch Commit(List<AppendRequest> group)
    {
        var connection = Connection();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return CommitOn(connection, group);
                }
                catch (PostgresException pg) when (pg.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < 3)
                {
                    // Rolled back whole, so the group is simply written again.
                }
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // A broken connection is opened again for the next group.
            _connection = null;
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public bool IsUnavailable(Exception failure) =>
        failure is NpgsqlException { IsTransient: true } or IOException or TimeoutException
        || (failure is NpgsqlException and not PostgresException)
        || (failure is PostgresException pg && pg.SqlState.StartsWith("08", StringComparison.Ordinal));

    /// <inheritdoc />
    public void Dispose() => _connection?.Dispose();

    private NpgsqlConnection Connection()
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
        {
            return _connection;
        }

        _connection?.Dispose();
        _connection = dataSource.OpenConnection();
        return _connection;
    }

    private CommittedBatch CommitOn(NpgsqlConnection connection, List<AppendRequest> group)
    {
        var callIds = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var request in group)
        {
            foreach (var e in request.Events)
            {
                callIds.Add(e.CallId);
            }
        }

        var tx = connection.BeginTransaction();
        try
        {
            return CommitIn(connection, ref tx, callIds, group);
        }
        finally
        {
            tx.Dispose();
        }
    }

    private CommittedBatch CommitIn(NpgsqlConnection connection, ref NpgsqlTransaction tx, SortedSet<string> callIds, List<AppendRequest> group)
    {
        var cursors = LockCalls(connection, tx, callIds);
        if (cursors.Count < callIds.Count)
        {
            // New calls are created under the new-call lock, and no transaction may wait for that
            // lock while it holds a call's row (two nodes would deadlock): this one lets go of its
            // rows, takes the lock first, creates what is missing, then locks every call again.
            tx.Rollback();
            tx.Dispose();
            tx = connection.BeginTransaction();
            CreateCalls(connection, tx, callIds.Where(id => !cursors.ContainsKey(id)).ToList(), group);
            cursors = LockCalls(connection, tx, callIds);
        }

        var existing = FindExisting(connection, tx, group);
        var stored = new List<StoredEvent>();
        HashSet<string>? endedBefore = null;
        foreach (var (callId, cursor) in cursors)
        {
            if (cursor.EndedAt is not null)
            {
                (endedBefore ??= new HashSet<string>(StringComparer.Ordinal)).Add(callId);
            }
        }

        foreach (var request in group)
        {
            var results = new AppendResult[request.Events.Count];
            for (var i = 0; i < results.Length; i++)
            {
                var e = request.Events[i];
                var cursor = cursors[e.CallId];
                if (existing.TryGetValue((e.CallId, e.Id), out var original))
                {
                    results[i] = new AppendResult(original, Duplicate: true);
                    continue;
                }

                if (e.Type == EventTypes.CallEnded && cursor.EndedAt is not null)
                {
                    // A call ends once: a second end is acknowledged as a duplicate of the first.
                    cursor.FirstEnd ??= FindFirstEnd(connection, tx, e.CallId);
                    if (cursor.FirstEnd is { } firstEnd)
                    {
                        results[i] = new AppendResult(firstEnd, Duplicate: true);
                        continue;
                    }
                }

                var seq = ++cursor.LastSeq;
                cursor.LastAt = e.At > cursor.LastAt ? e.At : cursor.LastAt;
                if (e.Type == EventTypes.CallEnded && cursor.EndedAt is null)
                {
                    cursor.EndedAt = e.At;
                    cursor.EndReason = ReadReason(e);
                    cursor.FirstEnd = seq;
                }

                cursor.Dirty = true;
                existing[(e.CallId, e.Id)] = seq;
                results[i] = new AppendResult(seq, Duplicate: false);
                stored.Add(new StoredEvent(e.CallId, seq, e.Id, e.Type, e.At, e.ReceivedAt, e.Data, e.Traceparent));
            }

            request.Results = results;
        }

        if (stored.Count > 0)
        {
            CopyEvents(connection, stored);
            UpdateCalls(connection, tx, cursors);
            Notify(connection, tx, cursors);
        }

        tx.Commit();
        if (++_commits % 1000 == 0)
        {
            PruneNotices(connection);
        }

        return new CommittedBatch(stored, (IReadOnlySet<string>?)endedBefore ?? new HashSet<string>());
    }

    private static Dictionary<string, Cursor> LockCalls(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyCollection<string> callIds)
    {
        // Ordered by call id, so that two nodes locking overlapping calls cannot deadlock.
        using var command = new NpgsqlCommand(
            "SELECT call_id, last_seq, last_at, ended_at FROM calls WHERE call_id = ANY(@ids) ORDER BY call_id FOR UPDATE;", connection, tx);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = callIds.ToArray() });
        var cursors = new Dictionary<string, Cursor>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cursors[reader.GetString(0)] = new Cursor
            {
                LastSeq = reader.GetInt64(1),
                LastAt = SqliteEventStore.FromTicks(reader.GetInt64(2)),
                EndedAt = reader.IsDBNull(3) ? null : SqliteEventStore.FromTicks(reader.GetInt64(3)),
            };
        }

        return cursors;
    }

    private static void CreateCalls(NpgsqlConnection connection, NpgsqlTransaction tx, List<string> callIds, List<AppendRequest> group)
    {
        var firstAt = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var request in group)
        {
            foreach (var e in request.Events)
            {
                if (!firstAt.ContainsKey(e.CallId))
                {
                    firstAt[e.CallId] = e.At.UtcTicks;
                }
            }
        }

        using var command = new NpgsqlCommand(
            """
            SELECT pg_advisory_xact_lock(@lock);
            INSERT INTO calls (call_id, mark, first_at, last_at, last_seq)
            SELECT id, nextval('call_marks'), first_at, first_at, 0 FROM unnest(@ids, @firsts) AS n(id, first_at) ORDER BY id
            ON CONFLICT (call_id) DO NOTHING;
            """, connection, tx);
        command.Parameters.AddWithValue("lock", NewCallLock);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = callIds.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("firsts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = callIds.Select(id => firstAt[id]).ToArray() });
        command.ExecuteNonQuery();
    }

    private static Dictionary<(string CallId, string Id), long> FindExisting(NpgsqlConnection connection, NpgsqlTransaction tx, List<AppendRequest> group)
    {
        var calls = new List<string>();
        var ids = new List<string>();
        foreach (var request in group)
        {
            foreach (var e in request.Events)
            {
                calls.Add(e.CallId);
                ids.Add(e.Id);
            }
        }

        using var command = new NpgsqlCommand(
            "SELECT w.call_id, w.event_id, e.seq FROM unnest(@calls, @ids) AS w(call_id, event_id) CROSS JOIN LATERAL (SELECT seq FROM events e WHERE e.call_id = w.call_id AND e.event_id = w.event_id) e;",
            connection,
            tx);
        command.Parameters.Add(new NpgsqlParameter("calls", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = calls.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids.ToArray() });
        var found = new Dictionary<(string, string), long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        return found;
    }

    private static long? FindFirstEnd(NpgsqlConnection connection, NpgsqlTransaction tx, string callId)
    {
        using var command = new NpgsqlCommand("SELECT seq FROM events WHERE call_id = @call AND type = 'call.ended' ORDER BY seq LIMIT 1;", connection, tx);
        command.Parameters.AddWithValue("call", callId);
        return command.ExecuteScalar() as long?;
    }

    private static void CopyEvents(NpgsqlConnection connection, List<StoredEvent> stored)
    {
        using var copy = connection.BeginBinaryImport("COPY events (call_id, seq, event_id, type, at, received_at, data, traceparent) FROM STDIN (FORMAT BINARY)");
        foreach (var e in stored)
        {
            copy.StartRow();
            copy.Write(e.CallId, NpgsqlDbType.Text);
            copy.Write(e.Seq, NpgsqlDbType.Bigint);
            copy.Write(e.Id, NpgsqlDbType.Text);
            copy.Write(e.Type, NpgsqlDbType.Text);
            copy.Write(e.At.UtcTicks, NpgsqlDbType.Bigint);
            copy.Write(e.ReceivedAt.UtcTicks, NpgsqlDbType.Bigint);
            copy.Write(e.Data.ValueKind == JsonValueKind.Undefined ? "{}" : e.Data.GetRawText(), NpgsqlDbType.Text);
            if (e.Traceparent is { } trace)
            {
                copy.Write(trace, NpgsqlDbType.Text);
            }
            else
            {
                copy.WriteNull();
            }
        }

        copy.Complete();
    }

    private static void UpdateCalls(NpgsqlConnection connection, NpgsqlTransaction tx, Dictionary<string, Cursor> cursors)
    {
        var dirty = cursors.Where(c => c.Value.Dirty).ToList();
        using var command = new NpgsqlCommand(
            """
            UPDATE calls SET
                last_seq = u.last_seq,
                last_at = GREATEST(calls.last_at, u.last_at),
                ended_at = COALESCE(calls.ended_at, u.ended_at),
                end_reason = COALESCE(calls.end_reason, u.end_reason)
            FROM unnest(@ids, @seqs, @lasts, @ends, @reasons) AS u(call_id, last_seq, last_at, ended_at, end_reason)
            WHERE calls.call_id = u.call_id;
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = dirty.Select(d => d.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = dirty.Select(d => d.Value.LastSeq).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("lasts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = dirty.Select(d => d.Value.LastAt.UtcTicks).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("ends", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = dirty.Select(d => d.Value.EndedAt?.UtcTicks).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = dirty.Select(d => d.Value.EndReason).ToArray() });
        command.ExecuteNonQuery();
    }

    private void Notify(NpgsqlConnection connection, NpgsqlTransaction tx, Dictionary<string, Cursor> cursors)
    {
        var payload = LogNotice.Format(nodeId, cursors.Where(c => c.Value.Dirty).Select(c => (c.Key, c.Value.LastSeq)));
        using var command = new NpgsqlCommand(connection: connection, transaction: tx, cmdText: null);
        if (Encoding.UTF8.GetByteCount(payload) <= LogNotice.MaxPayloadBytes)
        {
            command.CommandText = "SELECT pg_notify(@channel, @payload);";
        }
        else
        {
            // Too many calls for one notification: the list goes into a row and the notification
            // names the row. Still one notification per commit.
            command.CommandText = """
                WITH ins AS (INSERT INTO log_notices (at, payload) VALUES (@at, @payload) RETURNING id)
                SELECT pg_notify(@channel, @node || chr(10) || '@' || id::text) FROM ins;
                """;
            command.Parameters.AddWithValue("node", nodeId);
            command.Parameters.AddWithValue("at", DateTimeOffset.UtcNow.UtcTicks);
        }

        command.Parameters.AddWithValue("channel", LogNotice.Channel);
        command.Parameters.AddWithValue("payload", payload);
        command.ExecuteNonQuery();
    }

    private static void PruneNotices(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand("DELETE FROM log_notices WHERE at < @before;", connection);
        command.Parameters.AddWithValue("before", DateTimeOffset.UtcNow.AddMinutes(-10).UtcTicks);
        command.ExecuteNonQuery();
    }

    private static string? ReadReason(NewEvent e) =>
        e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String
            ? r.GetString()
            : null;

    /// <summary>What this commit knows of a call it holds locked.</summary>
    private sealed class Cursor
    {
        public long LastSeq { get; set; }

        public DateTimeOffset LastAt { get; set; }

        public DateTimeOffset? EndedAt { get; set; }

        public string? EndReason { get; set; }

        public long? FirstEnd { get; set; }

        public bool Dirty { get; set; }
    }
}
