using System.Text.Json;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Identity;

/// <summary>
/// The audit trail of interventions, admin actions and refused requests. Interventions are also
/// events in the call's log; this trail gathers everything in one place an admin can filter. It
/// is kept by <see cref="IAuditRecords"/> (the node's SQLite file or the shared PostgreSQL).
/// </summary>
public sealed partial class AuditLog(IAuditRecords records, TimeProvider clock, ILogger<AuditLog> logger)
{
    /// <summary>
    /// Records an action and returns once it is stored. Never throws: an audit failure is logged,
    /// not turned into a failed request.
    /// </summary>
    public async Task RecordAsync(Actor actor, string action, string outcome, string? target = null, string? callId = null, object? detail = null)
    {
        try
        {
            var entry = new AuditEntry(
                0, clock.GetUtcNow(), actor.Name, actor.Kind, action, outcome, Truncate(target), callId, actor.Ip,
                detail is null ? null : JsonSerializer.SerializeToElement(detail, ContractJson.Options));
            await records.AppendAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException or TimeoutException)
        {
            LogFailed(ex, action);
        }
    }

    /// <summary>Deletes the records older than <paramref name="before"/>; returns how many were deleted.</summary>
    public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => records.PurgeAsync(before, cancellationToken);

    /// <summary>Entries matching the query, newest first.</summary>
    public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => records.QueryAsync(query, cancellationToken);

    private static string? Truncate(string? value) => value is { Length: > 512 } ? value[..512] : value;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Could not write the audit record of {Action}")]
    private partial void LogFailed(Exception ex, string action);
}
