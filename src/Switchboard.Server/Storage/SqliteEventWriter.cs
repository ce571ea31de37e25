using Microsoft.Data.Sqlite;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Storage;

/// <summary>
/// The single writer's connection and prepared statements. Assigns per-call gap-free sequence
/// numbers inside the transaction, so a rolled-back batch leaves no gap.
/// </summary>
internal sealed class SqliteEventWriter : IEventWriter
{
    private const string InsertSql = """
        INSERT INTO events (call_id, seq, event_id, type, at, received_at, data, traceparent)
        VALUES ($call, $seq, $id, $type, $at, $received, $data, $trace)
        ON CONFLICT (call_id, event_id) DO NOTHING;
        """;

    private const string FindSql = "SELECT seq FROM events WHERE call_id = $call AND event_id = $id;";

    private const string FindEndSql = "SELECT seq FROM events WHERE call_id = $call AND type = 'call.ended' ORDER BY seq LIMIT 1;";

    private const string CursorSql = "SELECT last_seq, ended_at IS NOT NULL FROM calls WHERE call_id = $call;";

    private const string UpsertCallSql = """
        INSERT INTO calls (call_id, first_at, last_at, last_seq, ended_at, end_reason)
        VALUES ($call, $first, $last, $seq, $ended, $reason)
        ON CONFLICT (call_id) DO UPDATE SET
            last_at = MAX(last_at, excluded.last_at),
            last_seq = excluded.last_seq,
            ended_at = COALESCE(calls.ended_at, excluded.ended_at),
            end_reason = COALESCE(calls.end_reason, excluded.end_reason);
        """;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _find;
    private readonly SqliteCommand _cursor;
    private readonly SqliteCommand _findEnd;
    private readonly SqliteCommand _upsertCall;
    private readonly Dictionary<string, CallCursor> _cursors = new(StringComparer.Ordinal);

    public SqliteEventWriter(SqliteConnection connection)
    {
        _connection = connection;
        _insert = Prepare(InsertSql, "$call", "$seq", "$id", "$type", "$at", "$received", "$data", "$trace");
        _find = Prepare(FindSql, "$call", "$id");
        _cursor = Prepare(CursorSql, "$call");
        _findEnd = Prepare(FindEndSql, "$call");
        _upsertCall = Prepare(UpsertCallSql, "$call", "$first", "$last", "$seq", "$ended", "$reason");
    }

    /// <summary>Commits every request of the group in one transaction and fills in their results.</summary>
    public CommittedBatch Commit(List<AppendRequest> group)
    {
        var stored = new List<StoredEvent>();
        var touched = new Dictionary<string, CallCursor>(StringComparer.Ordinal);
        HashSet<string>? endedBefore = null;
        using var tx = _connection.BeginTransaction(deferred: false);
        SetTransaction(tx);
        try
        {
            foreach (var request in group)
            {
                var results = new AppendResult[request.Events.Count];
                for (var i = 0; i < results.Length; i++)
                {
                    var e = request.Events[i];
                    if (!touched.TryGetValue(e.CallId, out var cursor))
                    {
                        cursor = LoadCursor(e.CallId);
                        if (cursor.Ended)
                        {
                            (endedBefore ??= new HashSet<string>(StringComparer.Ordinal)).Add(e.CallId);
                        }
                    }

                    var seq = cursor.LastSeq + 1;
                    if (e.Type == EventTypes.CallEnded && (cursor.Ended || cursor.EndedAt is not null) && FindEnd(e.CallId) is { } firstEnd)
                    {
                        // A call ends once: a second end (the agent's own racing the lost-agent
                        // guard, say) is acknowledged as a duplicate of the first.
                        results[i] = new AppendResult(firstEnd, Duplicate: true);
                    }
                    else if (Insert(e, seq))
                    {
                        // The cursor is updated in place: after a rollback every touched cursor is dropped and read again.
                        cursor.LastSeq = seq;
                        cursor.FirstAt ??= e.At;
                        cursor.LastAt = e.At > (cursor.LastAt ?? DateTimeOffset.MinValue) ? e.At : cursor.LastAt;
                        cursor.EndedAt ??= e.Type == EventTypes.CallEnded ? e.At : null;
                        cursor.EndReason ??= e.Type == EventTypes.CallEnded ? ReadReason(e) : null;
                        cursor.Dirty = true;
                        results[i] = new AppendResult(seq, Duplicate: false);
                        stored.Add(new StoredEvent(e.CallId, seq, e.Id, e.Type, e.At, e.ReceivedAt, e.Data, e.Traceparent));
                    }
                    else
                    {
                        results[i] = new AppendResult(FindSeq(e), Duplicate: true);
                    }

                    touched[e.CallId] = cursor;
                }

                request.Results = results;
            }

            foreach (var (callId, cursor) in touched)
            {
                if (cursor.Dirty)
                {
                    UpsertCall(callId, cursor);
                }
            }

            tx.Commit();
        }
        catch
        {
            SetTransaction(null);
            foreach (var callId in touched.Keys)
            {
                _cursors.Remove(callId);
            }

            throw;
        }

        SetTransaction(null);
        foreach (var (callId, cursor) in touched)
        {
            if (cursor.EndedAt is not null || cursor.Ended)
            {
                // Ended calls rarely receive more events; reload from the calls table if they do
                // (a cursor loaded for a late event knows the call ended but not when).
                _cursors.Remove(callId);
            }
            else
            {
                cursor.Dirty = false;
                cursor.Ended = false;
                _cursors[callId] = cursor;
            }
        }

        return new CommittedBatch(stored, (IReadOnlySet<string>?)endedBefore ?? EmptySet);
    }

    /// <inheritdoc />
    public bool IsUnavailable(Exception failure) => failure is SqliteException or IOException;

    public void Dispose()
    {
        _insert.Dispose();
        _find.Dispose();
        _cursor.Dispose();
        _findEnd.Dispose();
        _upsertCall.Dispose();
        _connection.Dispose();
    }

    private static readonly HashSet<string> EmptySet = [];

    private CallCursor LoadCursor(string callId)
    {
        if (_cursors.TryGetValue(callId, out var cached))
        {
            return cached;
        }

        _cursor.Parameters["$call"].Value = callId;
        using var reader = _cursor.ExecuteReader();
        return reader.Read()
            ? new CallCursor(reader.GetInt64(0), reader.GetInt64(1) != 0)
            : new CallCursor(0, false);
    }

    private bool Insert(NewEvent e, long seq)
    {
        var p = _insert.Parameters;
        p["$call"].Value = e.CallId;
        p["$seq"].Value = seq;
        p["$id"].Value = e.Id;
        p["$type"].Value = e.Type;
        p["$at"].Value = e.At.UtcTicks;
        p["$received"].Value = e.ReceivedAt.UtcTicks;
        p["$data"].Value = e.Data.ValueKind == System.Text.Json.JsonValueKind.Undefined ? "{}" : e.Data.GetRawText();
        p["$trace"].Value = (object?)e.Traceparent ?? DBNull.Value;
        return _insert.ExecuteNonQuery() == 1;
    }

    private long? FindEnd(string callId)
    {
        _findEnd.Parameters["$call"].Value = callId;
        return _findEnd.ExecuteScalar() as long?;
    }

    private long FindSeq(NewEvent e)
    {
        _find.Parameters["$call"].Value = e.CallId;
        _find.Parameters["$id"].Value = e.Id;
        return (long)_find.ExecuteScalar()!;
    }

    private void UpsertCall(string callId, CallCursor cursor)
    {
        var p = _upsertCall.Parameters;
        p["$call"].Value = callId;
        p["$first"].Value = (cursor.FirstAt ?? DateTimeOffset.UtcNow).UtcTicks;
        p["$last"].Value = (cursor.LastAt ?? DateTimeOffset.UtcNow).UtcTicks;
        p["$seq"].Value = cursor.LastSeq;
        p["$ended"].Value = cursor.EndedAt is { } ended ? ended.UtcTicks : DBNull.Value;
        p["$reason"].Value = (object?)cursor.EndReason ?? DBNull.Value;
        _upsertCall.ExecuteNonQuery();
    }

    private static string? ReadReason(NewEvent e) =>
        e.Data.ValueKind == System.Text.Json.JsonValueKind.Object && e.Data.TryGetProperty("reason", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.String
            ? r.GetString()
            : null;

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private void SetTransaction(SqliteTransaction? tx)
    {
        _insert.Transaction = tx;
        _find.Transaction = tx;
        _cursor.Transaction = tx;
        _findEnd.Transaction = tx;
        _upsertCall.Transaction = tx;
    }

    /// <summary>What the writer knows of a call: its last seq and whether it had ended.</summary>
    private sealed class CallCursor(long lastSeq, bool ended)
    {
        public long LastSeq { get; set; } = lastSeq;

        public bool Ended { get; set; } = ended;

        public DateTimeOffset? FirstAt { get; set; }

        public DateTimeOffset? LastAt { get; set; }

        public DateTimeOffset? EndedAt { get; set; }

        public string? EndReason { get; set; }

        public bool Dirty { get; set; }
    }
}
