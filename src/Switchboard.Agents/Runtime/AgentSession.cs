using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchboard.Sdk;

namespace Switchboard.Agents.Runtime;

/// <summary>
/// One call answered by an agent line: the conversation, the active persona and the shared
/// state; every turn reported through the call's link (states, transcripts, tools, handoffs,
/// per-turn metrics, debug lines); every supervisor command obeyed.
/// </summary>
/// <remarks>
/// Caller turns run one at a time in order. Commands arrive on the SDK's thread at any moment:
/// guidance is kept for the next model request, a take-over cancels the reply being generated
/// or spoken, and while paused the caller's words are still heard and kept, so the hand-back
/// continues with everything that was said.
/// </remarks>
public sealed partial class AgentSession : ISupervisorCommands, IAsyncDisposable
{
    private readonly AgentRuntime _runtime;
    private readonly ICallLink _link;
    private readonly IAgentOutput _output;
    private readonly List<ChatMessage> _history = [];
    private readonly SemaphoreSlim _turns = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource<CallEndReason> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, IReadOnlyList<AITool>> _tools = new(StringComparer.Ordinal);
    private readonly Observer _observer;
    private CancellationTokenSource? _generation;
    private Persona _persona;
    private volatile bool _paused;
    private volatile bool _started;
    private int _segments;
    private int _turnCount;
    private TurnControl _control = new();

    internal AgentSession(AgentRuntime runtime, ICallLink link, IAgentOutput output)
    {
        _runtime = runtime;
        _link = link;
        _output = output;
        _persona = runtime.Personas.StartPersona;
        _observer = new Observer(link);
        State = new SessionState(link.CallId);
        _lifetime.CancelAfter(runtime.Options.CallTimeout);
        _lifetime.Token.Register(() => _ = FinishAsync(CallEndReason.Completed, "the call reached its time limit", report: true));
    }

    /// <summary>The call's id.</summary>
    public string CallId => _link.CallId;

    /// <summary>What every persona reads and writes.</summary>
    public SessionState State { get; }

    /// <summary>The persona answering now.</summary>
    public Persona Persona => _persona;

    /// <summary>True while a supervisor holds the call.</summary>
    public bool IsPaused => _paused;

    /// <summary>Completes with the reason when the call has ended.</summary>
    public Task<CallEndReason> Ended => _ended.Task;

    /// <summary>The interview's scorecard once recorded (interviews only).</summary>
    public InterviewScorecard? Scorecard { get; private set; }

    /// <summary>
    /// Starts the call: reports <c>call.started</c> and the participants, starts obeying the
    /// supervisor, and the first persona says its greeting.
    /// </summary>
    public async Task StartAsync(CallDetails details, string callerIdentity, CancellationToken cancellationToken)
    {
        State.CustomerId ??= details.CallerNumber ?? details.CallerIdentity;
        _started = true;
        _link.Obey(this);
        _link.CallStarted(details with { AgentName = details.AgentName ?? _runtime.Personas.Id });
        _link.State(AgentState.Initializing);
        _link.ParticipantJoined("agent-" + _runtime.Personas.Id, Speaker.Agent, "agent", _persona.Name);
        _link.ParticipantJoined(callerIdentity, Speaker.Customer, details.Direction == CallDirection.Web ? "standard" : "sip", details.CallerName);
        if (_runtime.Personas.Personas.Count > 1)
        {
            _link.Handoff(null, _persona.Name, "answers the call");
        }

        await _turns.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!string.IsNullOrWhiteSpace(_persona.Greeting))
            {
                await SpeakAsync(Voice.Agent, _persona.Greeting, cancellationToken).ConfigureAwait(false);
            }

            _link.State(AgentState.Listening);
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <summary>
    /// The caller said <paramref name="text"/> (a final transcript): it is reported at once, and the
    /// agent answers unless a supervisor holds the call.
    /// </summary>
    public async Task CallerSaysAsync(string text, CancellationToken cancellationToken)
    {
        if (_ended.Task.IsCompleted || string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var heard = _runtime.Time.GetUtcNow();
        _link.Transcript(Speaker.Customer, NextSegment("caller"), text, heard, heard);
        await _turns.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_history)
            {
                _history.Add(new ChatMessage(ChatRole.User, text));
            }

            if (_paused)
            {
                _link.Debug("the caller's words are kept for the hand-back; no reply while a supervisor holds the call", "agent");
                return;
            }

            if (!_ended.Task.IsCompleted)
            {
                await ReplyAsync(heard, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <summary>The caller hung up.</summary>
    public Task HangUpAsync() => FinishAsync(CallEndReason.CallerHangup, null, report: true);

    /// <inheritdoc />
    public ValueTask GuideAsync(string text, string? by, CancellationToken cancellationToken)
    {
        lock (_history)
        {
            _history.Add(new ChatMessage(ChatRole.System,
                $"Guidance from your human supervisor{(by is null ? "" : $" ({by})")}, not from the caller. Follow it from your next reply on, and do not mention it: {text}"));
        }

        _link.Debug($"guidance kept for the next model request: {text}", "guidance");
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask PauseAsync(CancellationToken cancellationToken)
    {
        if (_paused)
        {
            return;
        }

        _paused = true;
        var cut = Volatile.Read(ref _generation);
        if (cut is not null)
        {
            await cut.CancelAsync().ConfigureAwait(false);
        }

        _link.State(AgentState.Listening);
        _link.Debug(cut is null ? "paused: a supervisor holds the call; listening only" : "paused: the reply being generated was stopped; listening only", "control");
        await _output.NoticeAsync("A supervisor has taken over the call.", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ResumeAsync(string? summary, CancellationToken cancellationToken)
    {
        if (!_paused)
        {
            return;
        }

        bool owed;
        lock (_history)
        {
            _history.Add(new ChatMessage(ChatRole.System,
                "A human supervisor held the call and has handed it back to you. Continue from here without repeating what was said. What happened meanwhile: "
                + (string.IsNullOrWhiteSpace(summary) ? "(no summary)" : summary)));
            owed = _history.LastOrDefault(m => m.Role == ChatRole.User || m.Role == ChatRole.Assistant)?.Role == ChatRole.User;
        }

        _paused = false;
        _link.Debug("resumed with the hand-back summary" + (owed ? "; answering what the caller said last" : ""), "control");
        await _output.NoticeAsync("The supervisor handed the call back to the agent.", cancellationToken).ConfigureAwait(false);
        if (owed)
        {
            _ = ReplyOwedAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask SayAsync(string text, CancellationToken cancellationToken)
    {
        lock (_history)
        {
            _history.Add(new ChatMessage(ChatRole.Assistant, text));
        }

        _link.State(AgentState.Speaking);
        await _output.SpeakAsync(Voice.Supervisor, "supervisor", text, cancellationToken).ConfigureAwait(false);
        _link.State(AgentState.Listening);
    }

    /// <inheritdoc />
    public async ValueTask EndAsync(string? reason, CancellationToken cancellationToken)
    {
        await _output.NoticeAsync("A supervisor ended the call.", cancellationToken).ConfigureAwait(false);
        await FinishAsync(CallEndReason.SupervisorEnded, reason, report: false).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask TransferAsync(string destination, string mode, CancellationToken cancellationToken)
    {
        await _output.NoticeAsync($"The call is being transferred to {destination} ({mode}).", cancellationToken).ConfigureAwait(false);
        await FinishAsync(CallEndReason.Transferred, destination, report: false).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await FinishAsync(CallEndReason.CallerHangup, null, report: true).ConfigureAwait(false);
        _lifetime.Dispose();
        _link.Dispose();
    }

    private async Task ReplyOwedAsync()
    {
        try
        {
            await _turns.WaitAsync(_lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            if (!_paused && !_ended.Task.IsCompleted)
            {
                await ReplyAsync(_runtime.Time.GetUtcNow(), _lifetime.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <summary>One agent turn: model rounds until it speaks, with tools in between.</summary>
    private async Task ReplyAsync(DateTimeOffset heard, CancellationToken cancellationToken)
    {
        using var generation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        Volatile.Write(ref _generation, generation);
        _control = new TurnControl();
        var turn = new TurnMeasure(_runtime.Time, heard, ++_turnCount);
        _link.State(AgentState.Thinking);
        try
        {
            for (var round = 0; round < _runtime.Options.MaxRounds && !generation.IsCancellationRequested; round++)
            {
                var persona = _persona;
                var reply = await GenerateAsync(persona, turn, generation.Token).ConfigureAwait(false);
                if (reply.Text.Length > 0)
                {
                    await SpeakAsync(Voice.Agent, reply.Text, generation.Token, turn).ConfigureAwait(false);
                }

                if (reply.Calls.Count == 0)
                {
                    break;
                }

                lock (_history)
                {
                    _history.Add(new ChatMessage(ChatRole.Assistant, [.. (reply.Text.Length > 0 ? [new TextContent(reply.Text)] : Array.Empty<AIContent>()), .. reply.Calls]));
                }

                foreach (var call in reply.Calls)
                {
                    var result = await InvokeAsync(persona, call, generation.Token).ConfigureAwait(false);
                    lock (_history)
                    {
                        _history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, result)]));
                    }
                }

                if (_control.HandoffTo is { } next)
                {
                    await SwitchPersonaAsync(persona, next, generation.Token, turn).ConfigureAwait(false);
                    break;
                }

                if (_control.EndAfterReply && reply.Text.Length > 0)
                {
                    break;
                }
            }

            _link.Turn(turn.Metrics());
        }
        catch (OperationCanceledException) when (generation.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _link.Debug(_paused ? "the reply was cut off by a take-over" : "the reply was cut off: the call ended", "agent");
            return;
        }
        catch (LlmUnavailableException ex)
        {
            _link.Debug(ex.Message, "llm");
            _link.Custom("x-agent.error", new { type = "llm_unavailable", message = ex.Message, models = _runtime.Llm.Models });
            await SpeakAsync(Voice.Agent, _runtime.Options.Apology, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _generation, null);
        }

        if (_control.InterviewFinished && _runtime.Personas.Interview is { } plan)
        {
            await RecordScorecardAsync(plan, cancellationToken).ConfigureAwait(false);
        }

        if (_control.EndAfterReply || _control.InterviewFinished)
        {
            await FinishAsync(CallEndReason.Completed, _control.EndReason, report: true).ConfigureAwait(false);
        }
        else if (!_paused && !_ended.Task.IsCompleted)
        {
            _link.State(AgentState.Listening);
        }
    }

    private async Task<ModelReply> GenerateAsync(Persona persona, TurnMeasure turn, CancellationToken cancellationToken)
    {
        var messages = Prompt(persona);
        var options = new ChatOptions { Tools = [.. ToolsOf(persona)], Temperature = _runtime.Llm.Options.Temperature };
        if (options.Tools.Count == 0)
        {
            options.Tools = null;
        }

        var text = new StringBuilder();
        var calls = new List<FunctionCallContent>();
        var started = _runtime.Time.GetTimestamp();
        await using var stream = _runtime.Llm.StreamAsync(messages, options, _observer, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var next = stream.MoveNextAsync().AsTask();
        if (!turn.SaidOneMoment)
        {
            using var late = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(_runtime.Options.OneMomentAfter, _runtime.Time, late.Token);
            if (await Task.WhenAny(next, timer).ConfigureAwait(false) == timer && !next.IsCompleted)
            {
                turn.SaidOneMoment = true;
                _link.Debug($"no first token after {_runtime.Options.OneMomentAfter.TotalMilliseconds:0} ms: said \"{_runtime.Options.OneMoment}\"", "llm");
                await SpeakAsync(Voice.Agent, _runtime.Options.OneMoment, cancellationToken).ConfigureAwait(false);
                _link.State(AgentState.Thinking);
            }

            await late.CancelAsync().ConfigureAwait(false);
        }

        var more = await next.ConfigureAwait(false);
        while (more)
        {
            var update = stream.Current;
            turn.Model = update.ModelId ?? turn.Model;
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent t when !string.IsNullOrEmpty(t.Text):
                        turn.FirstToken(started);
                        text.Append(t.Text);
                        break;
                    case FunctionCallContent f:
                        turn.FirstToken(started);
                        calls.Add(f);
                        break;
                    case UsageContent u:
                        turn.PromptTokens += (int)(u.Details.InputTokenCount ?? 0);
                        turn.CompletionTokens += (int)(u.Details.OutputTokenCount ?? 0);
                        break;
                }
            }

            more = await stream.MoveNextAsync().ConfigureAwait(false);
        }

        turn.LlmMs += _runtime.Time.GetElapsedTime(started).TotalMilliseconds;
        return new ModelReply(text.ToString().Trim(), calls);
    }

    /// <summary>The model's input: the persona, the shared state, the conversation (with guidance and hand-back notes where they arrived).</summary>
    private List<ChatMessage> Prompt(Persona persona)
    {
        var system = new StringBuilder(persona.Instructions.Trim());
        system.Append("\n\nYou are ").Append(persona.Name).Append(". Keep replies short and spoken: no lists, no markdown.");
        if (persona.Handoffs.Count > 0)
        {
            system.Append("\nYou may hand the caller to: ").AppendJoin(", ", persona.Handoffs.Select(h => $"{h} ({_runtime.Personas.Personas[h].Name})")).Append('.');
        }

        if (_runtime.Personas.Interview is { } plan && persona.Tools.Contains(AgentTools.FinishInterview))
        {
            system.Append("\n\n").Append(InterviewScoring.PlanText(plan));
        }

        system.Append("\n\n").Append(State.Describe());
        var messages = new List<ChatMessage> { new(ChatRole.System, system.ToString()) };
        lock (_history)
        {
            messages.AddRange(_history);
        }

        return messages;
    }

    private IReadOnlyList<AITool> ToolsOf(Persona persona)
    {
        lock (_tools)
        {
            if (!_tools.TryGetValue(persona.Id, out var tools))
            {
                tools = AgentTools.For(this, persona, _runtime.Personas);
                _tools[persona.Id] = tools;
            }

            return tools;
        }
    }

    private async Task<object?> InvokeAsync(Persona persona, FunctionCallContent call, CancellationToken cancellationToken)
    {
        var arguments = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), AgentJson.Options);
        _link.ToolCalled(call.CallId, call.Name, arguments);
        var started = _runtime.Time.GetTimestamp();
        var tool = ToolsOf(persona).OfType<AIFunction>().FirstOrDefault(t => t.Name == call.Name);
        try
        {
            if (tool is null)
            {
                throw new ToolRefusedException($"There is no tool '{call.Name}'.");
            }

            var result = await tool.InvokeAsync(new AIFunctionArguments(call.Arguments), cancellationToken).ConfigureAwait(false);
            _link.ToolResult(call.CallId, call.Name, true, JsonSerializer.Serialize(result, AgentJson.Options), null, _runtime.Time.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever a tool throws is the model's to handle, never the call's end.
            var error = ex switch
            {
                TaskCanceledException => "timed out",
                ToolRefusedException or ArgumentException or JsonException => ex.Message,
                HttpRequestException h => $"the service did not answer ({h.StatusCode?.ToString() ?? h.HttpRequestError.ToString()})",
                _ => $"the tool failed ({ex.GetType().Name})",
            };
            _link.ToolResult(call.CallId, call.Name, false, null, error, _runtime.Time.GetElapsedTime(started).TotalMilliseconds);
            return "Error: " + error;
        }
    }

    private async Task SwitchPersonaAsync(Persona from, string to, CancellationToken cancellationToken, TurnMeasure turn)
    {
        _persona = _runtime.Personas.Personas[to];
        _link.Debug($"persona {from.Id} → {to}; shared state kept ({State.Details.Count} details)", "handoff");
        lock (_history)
        {
            _history.Add(new ChatMessage(ChatRole.System, $"{from.Name} has handed the call to you, {_persona.Name}. Reason: {_control.HandoffReason ?? "not given"}."));
        }

        if (!string.IsNullOrWhiteSpace(_persona.Greeting))
        {
            await SpeakAsync(Voice.Agent, _persona.Greeting, cancellationToken, turn).ConfigureAwait(false);
        }
        else
        {
            var reply = await GenerateAsync(_persona, turn, cancellationToken).ConfigureAwait(false);
            if (reply.Text.Length > 0)
            {
                await SpeakAsync(Voice.Agent, reply.Text, cancellationToken, turn).ConfigureAwait(false);
            }
        }
    }

    private async Task SpeakAsync(Voice voice, string text, CancellationToken cancellationToken, TurnMeasure? turn = null)
    {
        turn?.Speaks();
        lock (_history)
        {
            if (voice == Voice.Agent && (_history.Count == 0 || _history[^1].Role != ChatRole.Assistant || _history[^1].Text != text))
            {
                _history.Add(new ChatMessage(ChatRole.Assistant, text));
            }
        }

        var started = _runtime.Time.GetUtcNow();
        _link.State(AgentState.Speaking);
        await _output.SpeakAsync(voice, _persona.Name, text, cancellationToken).ConfigureAwait(false);
        _link.Transcript(Speaker.Agent, NextSegment("agent"), text, started, _runtime.Time.GetUtcNow());
    }

    private string NextSegment(string who) => $"{who}-{Interlocked.Increment(ref _segments)}";

    private async Task FinishAsync(CallEndReason reason, string? detail, bool report)
    {
        if (!_ended.TrySetResult(reason))
        {
            return;
        }

        var cut = Volatile.Read(ref _generation);
        if (cut is not null)
        {
            await cut.CancelAsync().ConfigureAwait(false);
        }

        if (report && _started)
        {
            _link.State(AgentState.Idle);
            _link.CallEnded(reason, detail);
        }
    }

    // ---- what the tools do (AgentTools declares them) ----

    internal string Handoff(Persona from, string to, string reason)
    {
        var target = from.Handoffs.FirstOrDefault(h => string.Equals(h, to, StringComparison.OrdinalIgnoreCase)
            || string.Equals(_runtime.Personas.Personas[h].Name, to, StringComparison.OrdinalIgnoreCase));
        if (target is null)
        {
            throw new ToolRefusedException($"'{to}' is not someone you can hand the caller to; use one of: {string.Join(", ", from.Handoffs)}.");
        }

        _control.HandoffTo = target;
        _control.HandoffReason = reason;
        _link.Handoff(from.Name, _runtime.Personas.Personas[target].Name, reason);
        return $"The caller is now with {_runtime.Personas.Personas[target].Name}. Say nothing more.";
    }

    internal string RecordDetail(string name, string value)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || value is null || value.Length > 500)
        {
            throw new ToolRefusedException("A detail needs a name (at most 64 characters) and a value (at most 500).");
        }

        State.Details[name.Trim()] = value.Trim();
        if (name.Trim() is "customer_id" or "account_number")
        {
            State.CustomerId = value.Trim();
        }

        return $"Noted {name}.";
    }

    internal async Task<object> SearchKnowledgeAsync(string query, CancellationToken cancellationToken)
    {
        if (_runtime.Knowledge is null)
        {
            throw new ToolRefusedException("The knowledge base is not available (no Switchboard server).");
        }

        var hits = await _runtime.Knowledge.SearchAsync(query, null, cancellationToken).ConfigureAwait(false);
        _control.Searched = true;
        return hits.Count == 0
            ? "No approved answer matches."
            : hits.Select(h => new { h.Question, h.Answer }).ToList();
    }

    internal async Task<string> AskSupervisorAsync(Persona persona, string question, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(question))
        {
            throw new ToolRefusedException("The question is required.");
        }

        // The knowledge base first: when it has approved answers the model has not seen yet this turn, it gets them instead.
        if (!_control.Searched && _runtime.Knowledge is not null)
        {
            _control.Searched = true;
            IReadOnlyList<KnowledgeHit> hits = [];
            try
            {
                hits = await _runtime.Knowledge.SearchAsync(question, null, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                _link.Debug($"knowledge base unavailable ({ex.HttpRequestError}); asking a supervisor", "escalation");
            }

            if (hits.Count > 0)
            {
                _link.Debug($"knowledge base searched first: {hits.Count} approved answer(s) offered to the model before asking anyone", "escalation");
                return "Nobody was asked yet. The knowledge base has these approved answers:\n"
                    + string.Join("\n", hits.Select(h => $"- Q: {h.Question} A: {h.Answer}"))
                    + "\nIf one answers the caller's question, give it in your own words. If none does, call ask_supervisor again.";
            }
        }

        await SpeakAsync(Voice.Agent, persona.HoldMessage, cancellationToken).ConfigureAwait(false);
        _link.State(AgentState.Thinking);
        string? lastCaller;
        lock (_history)
        {
            lastCaller = _history.LastOrDefault(m => m.Role == ChatRole.User)?.Text;
        }

        var context = $"{persona.Name}. {State.Describe()}" + (lastCaller is null ? "" : $"\nThe caller said: {lastCaller}");
        var result = await _link.EscalateAsync(question, persona.Topic, context.Length > 2000 ? context[..2000] : context, _runtime.Options.EscalationTimeout, cancellationToken).ConfigureAwait(false);
        _link.Debug($"escalation {result.RequestId}: {result.Outcome}", "escalation");
        return result.Outcome switch
        {
            EscalationOutcome.Answered => $"A supervisor ({result.By ?? "a colleague"}) answered: {result.Answer}\nTell the caller in your own words, thank them for holding, and do not mention the supervisor by name.",
            EscalationOutcome.NoSupervisor => "No supervisor is available right now. Apologise, say you cannot confirm this now, and offer a call-back: ask for the best number and time.",
            EscalationOutcome.TimedOut => "Nobody could answer in time. Apologise for the wait, say you cannot confirm this now, and offer a call-back: ask for the best number and time.",
            _ => "The question was withdrawn. Carry on helping the caller.",
        };
    }

    internal async Task<string> TransferToHumanAsync(Persona persona, string reason, CancellationToken cancellationToken)
    {
        _link.Custom("x-agent.transfer_requested", new { reason, persona = persona.Name });
        return await AskSupervisorAsync(persona, $"The caller asks for a human: {reason}. Please take over or transfer the call.", cancellationToken).ConfigureAwait(false);
    }

    internal string EndCall(string reason)
    {
        _control.EndAfterReply = true;
        _control.EndReason = reason;
        return "The call ends after your goodbye. Say goodbye now.";
    }

    internal string FinishInterview()
    {
        _control.InterviewFinished = true;
        return "The interview is over. Thank the candidate and say what happens next, in one or two sentences.";
    }

    private async Task RecordScorecardAsync(InterviewPlan plan, CancellationToken cancellationToken)
    {
        List<ChatMessage> conversation;
        lock (_history)
        {
            conversation = [.. _history];
        }

        try
        {
            Scorecard = await InterviewScoring.ScoreAsync(_runtime.Llm, plan, conversation, _observer, cancellationToken).ConfigureAwait(false);
            _link.Custom(InterviewScorecard.EventType, Scorecard);
            _link.Debug($"interview scorecard recorded: {Scorecard.Overall:0}/100, {Scorecard.Recommendation}", "interview");
        }
        catch (Exception ex) when (ex is LlmUnavailableException or JsonException or InvalidDataException)
        {
            _link.Debug($"no scorecard: {ex.Message}", "interview");
            _link.Custom("x-agent.error", new { type = "scorecard_failed", message = ex.Message });
        }
    }

    private sealed record ModelReply(string Text, IReadOnlyList<FunctionCallContent> Calls);

    /// <summary>What the tools of one turn asked the session to do after it.</summary>
    private sealed class TurnControl
    {
        public string? HandoffTo { get; set; }

        public string? HandoffReason { get; set; }

        public bool EndAfterReply { get; set; }

        public string? EndReason { get; set; }

        public bool InterviewFinished { get; set; }

        public bool Searched { get; set; }
    }

    /// <summary>A turn's figures: first token and model time over every round, tokens, end to end (heard → first word out).</summary>
    private sealed class TurnMeasure(TimeProvider time, DateTimeOffset heard, int number)
    {
        private double? _ttft;
        private double? _e2e;

        public bool SaidOneMoment { get; set; }

        public double LlmMs { get; set; }

        public int PromptTokens { get; set; }

        public int CompletionTokens { get; set; }

        public string? Model { get; set; }

        public void FirstToken(long started) => _ttft ??= time.GetElapsedTime(started).TotalMilliseconds;

        public void Speaks() => _e2e ??= Math.Max(0, (time.GetUtcNow() - heard).TotalMilliseconds);

        public TurnMetrics Metrics() => new()
        {
            TurnId = "turn-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            LlmTtftMs = _ttft is { } t ? Math.Round(t, 1) : null,
            LlmTotalMs = Math.Round(LlmMs, 1),
            E2eMs = _e2e is { } e ? Math.Round(e, 1) : null,
            PromptTokens = PromptTokens,
            CompletionTokens = CompletionTokens,
            Model = Model,
        };
    }

    private sealed class Observer(ICallLink link) : ILlmObserver
    {
        public void Notice(string message) => link.Debug(message, "llm");
    }
}

/// <summary>A tool refused its arguments; the model reads the message and can correct itself.</summary>
public sealed class ToolRefusedException(string message) : Exception(message);
