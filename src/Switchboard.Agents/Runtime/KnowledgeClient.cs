using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Switchboard.Agents.Runtime;

/// <summary>One approved answer of Switchboard's knowledge base.</summary>
public sealed record KnowledgeHit(long Id, string Question, string Answer, string? Topic, double Score);

/// <summary>Searches the knowledge base before anyone is asked.</summary>
public interface IKnowledgeBase
{
    /// <summary>Approved entries matching <paramref name="query"/>, best first; empty when none.</summary>
    Task<IReadOnlyList<KnowledgeHit>> SearchAsync(string query, string? topic, CancellationToken cancellationToken);
}

/// <summary>Switchboard's <c>GET /api/v1/kb/search</c>, with the agent's key.</summary>
public sealed class KnowledgeClient : IKnowledgeBase, IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Searches the server at <paramref name="server"/>.</summary>
    public KnowledgeClient(Uri server, string apiKey)
    {
        _http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(5) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(string query, string? topic, CancellationToken cancellationToken)
    {
        var url = $"api/v1/kb/search?limit=3&q={Uri.EscapeDataString(query.Length > 2000 ? query[..2000] : query)}";
        if (!string.IsNullOrEmpty(topic))
        {
            url += "&topic=" + Uri.EscapeDataString(topic);
        }

        using var response = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<List<KnowledgeHit>>(AgentJson.Options, cancellationToken).ConfigureAwait(false) ?? [];
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
