using System.Collections.Concurrent;
using System.Text;

namespace Switchboard.Agents.Runtime;

/// <summary>
/// What every persona of a call reads and writes: the call and customer ids and the details
/// collected so far. A handoff keeps it, so the next persona never asks again.
/// </summary>
public sealed class SessionState(string callId)
{
    /// <summary>The call's id.</summary>
    public string CallId { get; } = callId;

    /// <summary>The customer's id (a phone number or account), when known.</summary>
    public string? CustomerId { get; set; }

    /// <summary>Collected details by name (<c>record_detail</c>).</summary>
    public ConcurrentDictionary<string, string> Details { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The state as the models read it.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append("Call id: ").Append(CallId).Append('\n');
        text.Append("Customer id: ").Append(CustomerId ?? "unknown").Append('\n');
        if (Details.IsEmpty)
        {
            text.Append("Collected details: none yet.");
        }
        else
        {
            text.Append("Collected details:");
            foreach (var (name, value) in Details.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                text.Append("\n- ").Append(name).Append(": ").Append(value);
            }
        }

        return text.ToString();
    }
}
