namespace Switchboard.Server.Knowledge;

/// <summary>An approved knowledge-base answer offered for a help request, with where it comes from and how well it matches.</summary>
/// <param name="EntryId">The knowledge-base entry (<c>GET /api/v1/kb/{id}</c>).</param>
/// <param name="Question">The entry's question: what the answer was written for.</param>
/// <param name="Answer">The answer.</param>
/// <param name="Topic">The entry's topic.</param>
/// <param name="Match">How well the entry matches the request's question, 0 … 1 (<see cref="QuestionSimilarity.Match"/>).</param>
public sealed record QuickResponse(long EntryId, string Question, string Answer, string? Topic, double Match);
