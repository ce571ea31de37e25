namespace Switchboard.Server.Knowledge;

/// <summary>A question and its answer, learnt from an answered escalation or written by a supervisor.</summary>
/// <param name="Id">Id.</param>
/// <param name="Question">The question as callers ask it.</param>
/// <param name="Answer">The answer agents may give.</param>
/// <param name="Topic">Topic (same vocabulary as escalation topics and skills).</param>
/// <param name="Status">pending, approved, rejected or merged.</param>
/// <param name="SourceCallId">The call whose escalation produced it.</param>
/// <param name="SourceRequestId">That escalation's request id.</param>
/// <param name="DuplicateOf">An approved entry asking nearly the same; the reviewer may merge into it.</param>
/// <param name="MergedInto">The entry this one was merged into.</param>
/// <param name="Occurrences">How many escalations asked this (merges add up).</param>
/// <param name="CreatedAt">Created.</param>
/// <param name="UpdatedAt">Last changed.</param>
/// <param name="ReviewedBy">Who approved, rejected, edited or merged it last.</param>
public sealed record KbEntry(
    long Id,
    string Question,
    string Answer,
    string? Topic,
    string Status,
    string? SourceCallId,
    string? SourceRequestId,
    long? DuplicateOf,
    long? MergedInto,
    int Occurrences,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ReviewedBy);
