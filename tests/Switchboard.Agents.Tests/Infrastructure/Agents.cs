using Switchboard.Agents.Runtime;
using Switchboard.Sdk;
using Switchboard.Testing.OpenAiCompatible;

namespace Switchboard.Agents.Tests.Infrastructure;

/// <summary>Builds the runtime on a double of an OpenAI-compatible endpoint.</summary>
public static class Agents
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static LlmOptions Llm(OpenAiCompatibleDouble model, string name = "model-a", string? fallback = null) => new()
    {
        BaseUrl = model.BaseUrl,
        ApiKey = "test-key",
        Model = name,
        FallbackModel = fallback,
        RetryDelay = TimeSpan.FromMilliseconds(20),
    };

    public static AgentRuntime NewRuntime(string personas, LlmOptions llm, IKnowledgeBase? knowledge = null, AgentOptions? options = null) =>
        new(PersonaSet.Load(personas), LlmRouter.ForOpenAiCompatible(llm), knowledge, options ?? new AgentOptions { OneMomentAfter = TimeSpan.FromSeconds(20) });

    public static CallDetails Details(string callId) => new() { RoomName = callId, Direction = CallDirection.Web, CallerNumber = "+15550100" };

    public static string NewCallId(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
}
