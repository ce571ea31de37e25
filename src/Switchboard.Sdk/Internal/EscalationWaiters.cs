using System.Collections.Concurrent;
using Switchboard.Sdk.Commands;

namespace Switchboard.Sdk.Internal;

/// <summary>
/// Extension point for escalations: a caller that reported <c>escalation.requested</c> can await
/// the matching <c>escalation.answer</c> command here instead of handling it as a plain command.
/// A future <c>CallReporter.EscalateAsync(question, topic, context, timeout)</c> is meant to be
/// built on this: report the request, <see cref="WaitAsync"/>, and report
/// <c>escalation.cancelled</c> when the wait times out.
/// </summary>
internal sealed class EscalationWaiters
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<EscalationAnswerCommand>> _waiting = new(StringComparer.Ordinal);

    /// <summary>Waits for the answer to <paramref name="requestId"/>; null when the timeout passes first.</summary>
    public async Task<EscalationAnswerCommand?> WaitAsync(string requestId, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        var waiter = _waiting.GetOrAdd(requestId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            return await waiter.Task.WaitAsync(timeout, clock, cancellationToken).ConfigureAwait(false);
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
