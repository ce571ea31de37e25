namespace Switchboard.Server.Knowledge;

/// <summary>An approved entry matching a search, with its BM25 relevance (higher is better; comparable within one search).</summary>
public sealed record KbSearchHit(long Id, string Question, string Answer, string? Topic, double Score);
