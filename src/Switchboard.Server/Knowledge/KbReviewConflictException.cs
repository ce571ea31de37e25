namespace Switchboard.Server.Knowledge;

/// <summary>
/// A review step the entry's state does not allow (approving a merged entry, merging into a
/// rejected one). Its <see cref="Exception.Message"/> is written for the reviewer: what to do instead.
/// </summary>
public sealed class KbReviewConflictException(string message) : Exception(message);
