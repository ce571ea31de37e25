namespace Switchboard.Server.Knowledge;

/// <summary>An approved entry matching a search, with its relevance (higher is better; comparable within one search: BM25 on SQLite, ts_rank on PostgreSQL).</summary>
public sealed record KbSearchHit(long Id, string Question, string Answer, string? Topic, double Score);
