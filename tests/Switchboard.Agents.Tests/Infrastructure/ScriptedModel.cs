using System.Collections.Concurrent;
using Switchboard.Testing.OpenAiCompatible;

namespace Switchboard.Agents.Tests.Infrastructure;

/// <summary>The double's replies for one test, in order; a request beyond the script answers 500, which a test notices.</summary>
public sealed class ScriptedModel(params ChatReply[] replies)
{
    private readonly ConcurrentQueue<ChatReply> _replies = new(replies);

    public void Then(params ChatReply[] replies)
    {
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
    }

    public int Left => _replies.Count;

    public ChatReply Respond(ChatRequest request) =>
        _replies.TryDequeue(out var reply) ? reply : ChatReply.Fail(500, "the test's script has no more replies");
}
