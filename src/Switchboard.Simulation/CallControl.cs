using System.Collections.Concurrent;
using Switchboard.Sdk;
using Switchboard.Sdk.Commands;

namespace Switchboard.Simulation;

/// <summary>How a simulated agent applies supervisor commands; each is acknowledged by the SDK when its handler returns.</summary>
internal sealed class CallControl(CallReporter call, SimulationStats stats)
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string?>> _escalations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _ending = new();
    private TaskCompletionSource _resumed = CompletedSource();
    private volatile bool _paused;

    public bool EndRequested => _ending.IsCancellationRequested;

    public string? EndReason { get; private set; }

    public string? TransferTo { get; private set; }

    public string TransferMode { get; private set; } = "cold";

    public void Attach()
    {
        call.On<GuideCommand>((c, _) =>
        {
            call.Debug($"guidance applied to the instructions: {c.Text}", "guidance");
            stats.OnCommand();
            return ValueTask.CompletedTask;
        });
        call.On<SayCommand>((c, _) =>
        {
            _lines.Enqueue(c.Text);
            stats.OnCommand();
            return ValueTask.CompletedTask;
        });
        call.On<PauseCommand>((_, _) =>
        {
            if (!_paused)
            {
                _paused = true;
                _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                call.AgentStateChanged(AgentState.Idle);
            }

            stats.OnCommand();
            return ValueTask.CompletedTask;
        });
        call.On<ResumeCommand>((_, _) =>
        {
            Resume();
            stats.OnCommand();
            return ValueTask.CompletedTask;
        });
        call.On<EndCommand>((c, _) =>
        {
            EndReason = c.Reason ?? "ended by a supervisor";
            End();
            stats.OnCommand();
            return ValueTask.CompletedTask;
        });
        call.On<TransferCommand>((c, _) =>
        {
            TransferTo = c.Destination;
            TransferMode = c.Mode;
            End();
            stats.OnCommand();
            return ValueTask.CompletedTask;
        });
        call.On<EscalationAnswerCommand>((c, _) =>
        {
            // Without an answer (nobody online, timed out, cancelled) the agent says its fallback line.
            var answer = c.Outcome == Contracts.Commands.EscalationOutcomes.Answered ? c.Answer : null;
            if (!_escalations.TryGetValue(c.RequestId, out var waiter) || !waiter.TrySetResult(answer))
            {
                throw new InvalidOperationException($"no escalation '{c.RequestId}' is waiting on this call");
            }

            stats.OnCommand();
            return ValueTask.CompletedTask;
        });
    }

    public bool TryTakeLine(out string line) => _lines.TryDequeue(out line!);

    public async Task WaitWhilePausedAsync(CancellationToken cancellationToken)
    {
        if (_paused)
        {
            await _resumed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            call.AgentStateChanged(AgentState.Listening);
        }
    }

    public async Task<string?> WaitForAnswerAsync(string requestId, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        var waiter = _escalations.GetOrAdd(requestId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _ending.Token);
        try
        {
            return await waiter.Task.WaitAsync(timeout, clock, linked.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            _escalations.TryRemove(requestId, out _);
        }
    }

    private void End()
    {
        _ending.Cancel();
        Resume();
    }

    private void Resume()
    {
        _paused = false;
        _resumed.TrySetResult();
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }
}
