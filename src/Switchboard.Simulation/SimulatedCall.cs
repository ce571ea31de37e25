using Switchboard.Sdk;

namespace Switchboard.Simulation;

/// <summary>
/// One synthetic call driven through the SDK: walks its scenario with realistic pacing and reacts
/// to supervisor commands (<see cref="CallControl"/>).
/// </summary>
internal sealed class SimulatedCall(CallReporter call, CallScript script, Random random, SimulationOptions options, TimeProvider clock, SimulationStats stats)
{
    private readonly CallControl _control = new(call, stats);
    private string _persona = script.Scenario.Persona;
    private int _step;
    private int _segment;
    private int _turn;
    private int _toolCall;
    private bool _customerJustSpoke = true;
    private bool _thinking;
    private double _eou;
    private double? _stt;
    private double _pendingToolMs;

    private enum Outcome
    {
        Continue,
        Completed,
        HungUp,
        Crashed,
        Stopped,
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var crashed = false;
        try
        {
            _control.Attach();
            Start();
            await DelayAsync(Latency.Between(random, 0.2, 0.6), cancellationToken);
            call.AgentStateChanged(AgentState.Listening);
            var outcome = await WalkAsync(script.Scenario.Steps, cancellationToken);
            crashed = outcome == Outcome.Crashed;
            Finish(outcome == Outcome.Continue ? Outcome.Completed : outcome);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            call.CallEnded(CallEndReason.AgentError, "simulation stopped");
        }
        finally
        {
            if (crashed)
            {
                stats.OnCrashed();
            }

            call.Dispose();
            stats.OnFinished();
        }
    }

    private void Start()
    {
        var scenario = script.Scenario;
        call.CallStarted(new CallDetails
        {
            RoomName = $"sim-{scenario.Id}-{script.Index}",
            AgentName = scenario.AgentName,
            Direction = scenario.Direction switch { "outbound" => CallDirection.Outbound, "web" => CallDirection.Web, _ => CallDirection.Inbound },
            CallerNumber = script.CallerNumber,
            CallerIdentity = "caller-" + script.Index,
            CallerName = script.CallerName,
            MetadataJson = $"{{\"scenario\":\"{scenario.Id}\",\"simulated\":true}}",
        });
        call.AgentStateChanged(AgentState.Initializing);
        call.ParticipantJoined("agent-" + scenario.AgentName, Speaker.Agent, "agent", _persona);
        call.ParticipantJoined("caller-" + script.Index, Speaker.Customer, "sip", script.CallerName);
    }

    private async Task<Outcome> WalkAsync(List<ScenarioStep> steps, CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            if (++_step >= script.CrashAtStep)
            {
                return Outcome.Crashed;
            }

            await _control.WaitWhilePausedAsync(cancellationToken);
            if (_control.EndRequested)
            {
                return Outcome.Stopped;
            }

            while (_control.TryTakeLine(out var line))
            {
                await AgentSpeaksAsync(line, cancellationToken);
            }

            if (step.Customer is { Count: > 0 } lines)
            {
                if (_step >= script.HangupAtStep)
                {
                    return Outcome.HungUp;
                }

                var said = script.Frustrated && step.Frustrated is { Count: > 0 } angry ? angry : lines;
                await CustomerSpeaksAsync(said[random.Next(said.Count)], cancellationToken);
            }
            else if (step.Agent is { Count: > 0 } agentLines)
            {
                await AgentTurnAsync(agentLines[random.Next(agentLines.Count)], cancellationToken);
            }
            else if (step.Tool is { } tool)
            {
                await ToolAsync(tool, cancellationToken);
            }
            else if (step.Handoff is { } handoff)
            {
                call.Handoff(_persona, handoff.To, handoff.Reason);
                call.Debug($"persona {_persona} hands over to {handoff.To}", "handoff");
                _persona = handoff.To;
            }
            else if (step.Escalate is { } escalate && script.Escalates)
            {
                await EscalateAsync(escalate, cancellationToken);
            }
            else if (step.Choose is { Count: > 0 } branches)
            {
                var outcome = await WalkAsync(CallScript.Pick(random, branches, b => b.Weight).Steps, cancellationToken);
                if (outcome != Outcome.Continue)
                {
                    return outcome;
                }
            }
            else if (step.End is not null)
            {
                return Outcome.Completed;
            }
        }

        return Outcome.Continue;
    }

    private void Finish(Outcome outcome)
    {
        var customer = "caller-" + script.Index;
        switch (outcome)
        {
            case Outcome.Crashed:
                return; // The process died: no end, no heartbeats. The server's lost-agent guard ends the call.
            case Outcome.HungUp:
                stats.OnHungUp();
                call.ParticipantLeft(customer, Speaker.Customer, "sip");
                call.AgentStateChanged(AgentState.Idle);
                call.CallEnded(CallEndReason.CallerHangup);
                return;
            case Outcome.Stopped when _control.TransferTo is { } destination:
                call.TransferOutcome(destination, completed: true, _control.TransferMode);
                call.ParticipantLeft(customer, Speaker.Customer, "sip");
                call.CallEnded(CallEndReason.Transferred, "transferred by a supervisor to " + destination);
                return;
            case Outcome.Stopped:
                call.ParticipantLeft(customer, Speaker.Customer, "sip");
                call.CallEnded(CallEndReason.SupervisorEnded, _control.EndReason);
                return;
            default:
                call.ParticipantLeft(customer, Speaker.Customer, "sip");
                call.AgentStateChanged(AgentState.Idle);
                call.CallEnded(CallEndReason.Completed);
                return;
        }
    }

    private async Task CustomerSpeaksAsync(string text, CancellationToken cancellationToken)
    {
        await DelayAsync(Latency.Between(random, 0.3, 1.2), cancellationToken);
        await SpeakAsync(Speaker.Customer, text, cancellationToken);
        _customerJustSpoke = true;
    }

    /// <summary>The caller stopped: end-of-utterance detection and speech recognition, then the agent thinks.</summary>
    private async Task BeginThinkingAsync(CancellationToken cancellationToken)
    {
        if (_thinking)
        {
            return;
        }

        _eou = _customerJustSpoke ? Latency.EndOfUtterance(random) : 0;
        _stt = _customerJustSpoke ? Latency.Stt(random) : null;
        await DelayMsAsync(_eou, cancellationToken);
        call.AgentStateChanged(AgentState.Thinking);
        _thinking = true;
    }

    /// <summary>An agent reply: LLM and TTS after the caller's turn (and any tools), then speech; reports the turn's latency.</summary>
    private async Task AgentTurnAsync(string text, CancellationToken cancellationToken)
    {
        await BeginThinkingAsync(cancellationToken);
        var prompt = 650 + (140 * _turn) + random.Next(0, 120);
        call.Debug($"LLM request: {prompt} prompt tokens, persona {_persona}", "llm");
        var ttft = Latency.LlmTtft(random);
        await DelayMsAsync(ttft, cancellationToken);
        var ttfb = Latency.TtsTtfb(random);
        await DelayMsAsync(ttfb, cancellationToken);
        var completion = (int)Math.Ceiling(text.Split(' ').Length * 1.35);
        call.TurnMetrics(new TurnMetrics
        {
            TurnId = $"turn-{++_turn}",
            EndOfUtteranceMs = _stt is null ? null : _eou,
            SttMs = _stt,
            LlmTtftMs = ttft,
            LlmTotalMs = Math.Round(ttft + (completion * Latency.PerToken(random)), 1),
            TtsTtfbMs = ttfb,
            E2eMs = Math.Round(_eou + ttft + ttfb + _pendingToolMs, 1),
            PromptTokens = prompt,
            CompletionTokens = completion,
            Model = script.Scenario.Model,
        });
        _pendingToolMs = 0;
        await AgentSpeaksAsync(text, cancellationToken);
    }

    private async Task AgentSpeaksAsync(string text, CancellationToken cancellationToken)
    {
        call.AgentStateChanged(AgentState.Speaking);
        await SpeakAsync(Speaker.Agent, text, cancellationToken);
        call.AgentStateChanged(AgentState.Listening);
        _customerJustSpoke = false;
        _thinking = false;
    }

    /// <summary>Interim transcripts about once a second while speaking, then the final one.</summary>
    private async Task SpeakAsync(Speaker speaker, string text, CancellationToken cancellationToken)
    {
        var segment = $"seg-{++_segment}";
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var seconds = Latency.SpeakingSeconds(random, text);
        var startedAt = clock.GetUtcNow();
        var elapsed = 0.0;
        while (elapsed + 1 < seconds)
        {
            var tick = Latency.Between(random, 0.85, 1.15);
            await DelayAsync(tick, cancellationToken);
            elapsed += tick;
            var heard = Math.Clamp((int)(words.Length * elapsed / seconds), 1, words.Length);
            call.InterimTranscript(speaker, segment, string.Join(' ', words, 0, heard));
        }

        await DelayAsync(Math.Max(0, seconds - elapsed), cancellationToken);
        call.FinalTranscript(speaker, segment, text, startedAt, clock.GetUtcNow(), "en");
    }

    private async Task ToolAsync(ToolStep tool, CancellationToken cancellationToken)
    {
        await BeginThinkingAsync(cancellationToken);
        var id = $"call_{script.Index}_{++_toolCall}";
        call.ToolCalled(id, tool.Name, tool.Arguments);
        call.Debug($"tool {tool.Name}({tool.Arguments})", "tool");
        var ms = Math.Round(Latency.Between(random, tool.LatencyMs.ElementAtOrDefault(0), tool.LatencyMs.ElementAtOrDefault(1)), 1);
        await DelayMsAsync(ms, cancellationToken);
        _pendingToolMs += ms;
        if (random.NextDouble() < tool.FailShare)
        {
            call.ToolResult(id, tool.Name, ok: false, error: "upstream timeout", durationMs: ms);
        }
        else
        {
            call.ToolResult(id, tool.Name, ok: true, resultJson: tool.Result, durationMs: ms);
        }
    }

    private async Task EscalateAsync(EscalateStep escalate, CancellationToken cancellationToken)
    {
        stats.OnEscalation();
        await AgentTurnAsync("Let me check that with a colleague, one moment please.", cancellationToken);
        var requestId = $"esc-{script.Index}-{_step}";
        var timeout = TimeSpan.FromSeconds(escalate.TimeoutSeconds * options.TimeScale);
        call.EscalationRequested(requestId, escalate.Question, escalate.Topic, $"Caller {script.CallerName}, persona {_persona}.", timeout);
        call.AgentStateChanged(AgentState.Idle);
        var answer = await _control.WaitForAnswerAsync(requestId, timeout, clock, cancellationToken);
        if (answer is null)
        {
            call.EscalationCancelled(requestId, _control.EndRequested ? "call ending" : "timeout");
            if (!_control.EndRequested)
            {
                await AgentSpeaksAsync(escalate.Fallback, cancellationToken);
            }

            return;
        }

        await AgentSpeaksAsync("Thanks for holding. " + answer, cancellationToken);
    }

    private Task DelayMsAsync(double milliseconds, CancellationToken cancellationToken) => DelayAsync(milliseconds / 1000, cancellationToken);

    private Task DelayAsync(double seconds, CancellationToken cancellationToken)
    {
        var scaled = seconds * options.TimeScale;
        return scaled < 0.001 ? Task.CompletedTask : Task.Delay(TimeSpan.FromSeconds(scaled), clock, cancellationToken);
    }
}
