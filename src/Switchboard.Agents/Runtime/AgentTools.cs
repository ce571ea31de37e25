using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace Switchboard.Agents.Runtime;

/// <summary>The tools a persona may name in its YAML (<c>tools:</c>), each bound to one session.</summary>
public static class AgentTools
{
    /// <summary><c>handoff(persona, reason)</c>: give the caller to another persona of the set.</summary>
    public const string Handoff = "handoff";

    /// <summary><c>record_detail(name, value)</c>: write a detail into the shared state.</summary>
    public const string RecordDetail = "record_detail";

    /// <summary><c>search_knowledge_base(query)</c>: Switchboard's approved answers.</summary>
    public const string SearchKnowledgeBase = "search_knowledge_base";

    /// <summary><c>ask_supervisor(question)</c>: the caller holds while a human answers.</summary>
    public const string AskSupervisor = "ask_supervisor";

    /// <summary><c>transfer_to_human(reason)</c>: the caller asks for a person.</summary>
    public const string TransferToHuman = "transfer_to_human";

    /// <summary><c>end_call(reason)</c>: say goodbye and hang up.</summary>
    public const string EndCall = "end_call";

    /// <summary><c>finish_interview()</c>: the interview is over; the scorecard is recorded.</summary>
    public const string FinishInterview = "finish_interview";

    /// <summary>Every tool name.</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        Handoff, RecordDetail, SearchKnowledgeBase, AskSupervisor, TransferToHuman, EndCall, FinishInterview,
    };

    internal static IReadOnlyList<AITool> For(AgentSession session, Persona persona, PersonaSet set)
    {
        var tools = new List<AITool>();
        foreach (var name in persona.Tools)
        {
            tools.Add(name switch
            {
                Handoff => AIFunctionFactory.Create(
                    ([Description("Who takes the caller: " + "one of the ids listed")] string persona_id, [Description("Why, in a few words")] string reason) => session.Handoff(persona, persona_id, reason),
                    Handoff,
                    $"Hand the caller to another department. persona_id is one of: {string.Join(", ", persona.Handoffs.Select(h => $"{h} ({set.Personas[h].Name})"))}."),
                RecordDetail => AIFunctionFactory.Create(
                    ([Description("What it is, in snake_case, e.g. account_number, name, preferred_time")] string name, [Description("The value the caller gave")] string value) => session.RecordDetail(name, value),
                    RecordDetail,
                    "Write down a detail the caller gave, so that whoever handles the call next knows it."),
                SearchKnowledgeBase => AIFunctionFactory.Create(
                    ([Description("The caller's question in your words")] string query, CancellationToken ct) => session.SearchKnowledgeAsync(query, ct),
                    SearchKnowledgeBase,
                    "Search the approved answers of the knowledge base. Use it before answering anything about policies, prices or exceptions."),
                AskSupervisor => AIFunctionFactory.Create(
                    ([Description("The question for the supervisor, with what they need to answer it")] string question, CancellationToken ct) => session.AskSupervisorAsync(persona, question, ct),
                    AskSupervisor,
                    "When you are not sure of the answer and the knowledge base does not have it: ask a human supervisor while the caller holds. The answer comes back as the result."),
                TransferToHuman => AIFunctionFactory.Create(
                    ([Description("Why the caller wants a person")] string reason, CancellationToken ct) => session.TransferToHumanAsync(persona, reason, ct),
                    TransferToHuman,
                    "The caller asks for a human: request a person to take over or transfer the call."),
                EndCall => AIFunctionFactory.Create(
                    ([Description("Why the call ends")] string reason) => session.EndCall(reason),
                    EndCall,
                    "End the call when the caller's needs are met and they said goodbye."),
                FinishInterview => AIFunctionFactory.Create(
                    () => session.FinishInterview(),
                    FinishInterview,
                    "Call when every question of the plan was asked and answered."),
                _ => throw new ArgumentException($"unknown tool '{name}'"),
            });
        }

        return tools;
    }
}
