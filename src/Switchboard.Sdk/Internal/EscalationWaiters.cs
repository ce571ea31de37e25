using System.Collections.Concurrent;
using Switchboard.Sdk.Commands;

namespace Switchboard.Sdk.Internal;

/// <summary>
/// Escalations waiting for their <c>escalation.answer</c> command. A waiter is registered before the
/// request is reported, so even an immediate answer ("no supervisor online") finds it; the answer
/// is pushed by the server — nothing polls.
/// </summary>
internal sealed class EscalationWaiters
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<EscalationAnswerCommand>> _waiting = new(StringComparer.Ordinal);

    /// <summary>Starts waiting for the answer to <paramref name="requestId"/>.</summary>
    public Task<EscalationAnswerCommand> Register(string requestId) =>
        _waiting.GetOrAdd(requestId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Waits for a registered answer; null when the timeout passes first. The waiter is removed either way.</summary>
    public async Task<EscalationAnswerCommand?> WaitAsync(string requestId, Task<EscalationAnswerCommand> answer, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        try
        {
            return await answer.WaitAsync(timeout, clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _waiting.TryRemove(requestId, out _);
        }
    }

    /// <summary>Hands an answer to its waiter; false when nobody waits for it.</summary>
    public bool TryComplete(EscalationAnswerCommand answer) =>
        _waiting.TryRemove(answer.RequestId, out var waiter) && waiter.TrySetResult(answer);
}
