"""attach(): reports a livekit-agents 1.x AgentSession to Switchboard (commands: control.py)."""
from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import logging
import time
from typing import Any, Callable

from . import wire
from .client import Options, SwitchboardClient
from .control import SupervisorControl

log = logging.getLogger("switchboard_livekit")

# CloseEvent.reason (livekit-agents voice/events.py CloseReason) → call.ended reason
_CLOSE_REASONS = {
    "participant_disconnected": "caller_hangup",
    "error": "agent_error",
    "job_shutdown": "completed",
    "user_initiated": "completed",
    "task_completed": "completed",
}
_ROLES = frozenset({"customer", "agent", "supervisor", "human_agent"})
_PARTICIPANT_KINDS = {0: "standard", 1: "ingress", 2: "egress", 3: "sip", 4: "agent"}



def _value(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _text(value: Any) -> str:
    return value.value if hasattr(value, "value") else str(value)


def _ms(seconds: Any) -> int | None:
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and seconds >= 0:
        return int(round(seconds * 1000))
    return None


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class SessionReporter:
    """One call: the session's events reported as Switchboard events; its commands go to `control`."""

    def __init__(self, client: SwitchboardClient, session: Any, ctx: Any, call_id: str, options: Options, owns_client: bool) -> None:
        self.client = client
        self.session = session
        self.ctx = ctx
        self.call_id = call_id
        self.options = options
        self._owns_client = owns_client
        self.ended = False
        self.control = SupervisorControl(client, session, call_id, options, end_call=self._end_by_supervisor)
        self._segment: str | None = None
        self._segment_started: float | None = None
        self._segments = itertools.count(1)
        self._tools_called: dict[str, float] = {}
        self._turn: dict[str, Any] = {}
        self._prompt_tokens = 0
        self._usage_seen = False
        self._completion_tokens = 0
        self._persona: str | None = None
        self._listeners: list[tuple[Any, str, Callable[..., None]]] = []
        self._loop = asyncio.get_running_loop()

    # ---- wiring ----

    def _listen(self, emitter: Any, event: str, callback: Callable[..., None]) -> None:
        def guarded(*args: Any) -> None:
            try:
                callback(*args)
            except Exception:  # the session's own handlers must never see our failure
                log.exception("Switchboard: handling %s failed", event)
        emitter.on(event, guarded)
        self._listeners.append((emitter, event, guarded))

    def start(self, room: Any) -> None:
        s = self.session
        names = ["agent_state_changed", "user_input_transcribed", "conversation_item_added",
                 "function_tools_executed", "tool_execution_updated", "session_usage_updated",
                 "speech_created", "error", "close"]
        if self.options.legacy_metrics:
            # Deprecated since per-turn figures moved to ChatMessage.metrics; subscribing logs a warning.
            names.append("metrics_collected")
        for name in names:
            self._listen(s, name, getattr(self, "_on_" + name))
        data: dict[str, Any] = {}
        if room is not None:
            if (name := _value(room, "name")):
                data["roomName"] = name
            data["roomSid"] = self.call_id
        if self.options.agent_name:
            data["agentName"] = self.options.agent_name
        if self.options.direction:
            data["direction"] = self.options.direction
        self.client.report(self.call_id, "call.started", data)
        agent = _value(s, "current_agent")
        self._persona = _value(agent, "id") if agent is not None else None
        if room is not None and hasattr(room, "on"):
            local = _value(room, "local_participant")
            if local is not None and _value(local, "identity"):
                self._participant("participant.joined", local, "agent")
            for participant in list((_value(room, "remote_participants") or {}).values()):
                self._participant("participant.joined", participant)
            self._listen(room, "participant_connected", lambda p: self._participant("participant.joined", p))
            self._listen(room, "participant_disconnected", lambda p: self._participant("participant.left", p))

    def _participant(self, event_type: str, participant: Any, role: str | None = None) -> None:
        # The same rule as the server's LiveKit bridge (docs/LIVEKIT-BRIDGE.md): kind AGENT is the
        # agent, else the attribute switchboard.role when it is a known role, else the customer;
        # recorders (EGRESS) are not parties to the call.
        kind = _value(participant, "kind")
        kind_name = _PARTICIPANT_KINDS.get(kind, None) if isinstance(kind, int) else (str(kind).lower() if kind else None)
        if kind_name == "egress":
            return
        if role is None:
            attributed = (_value(participant, "attributes") or {}).get("switchboard.role")
            role = "agent" if kind_name == "agent" else attributed if attributed in _ROLES else "customer"
        data = {"identity": _value(participant, "identity"), "role": role}
        if kind_name:
            data["kind"] = kind_name
        if _value(participant, "name"):
            data["name"] = _value(participant, "name")
        self.client.report(self.call_id, event_type, data)

    # ---- session events (shapes of livekit-agents 1.x voice/events.py) ----

    def _on_agent_state_changed(self, ev: Any) -> None:
        self.client.report(self.call_id, "agent.state", {"state": _value(ev, "new_state")}, at=_value(ev, "created_at"))

    def _on_user_input_transcribed(self, ev: Any) -> None:
        text = _value(ev, "transcript") or ""
        at = _value(ev, "created_at") or time.time()
        if self._segment is None:
            self._segment = _value(ev, "item_id") or f"{self.call_id}-u{next(self._segments)}"
            self._segment_started = at
        data: dict[str, Any] = {"speaker": "customer", "segmentId": self._segment, "text": text}
        if _value(ev, "language"):
            data["language"] = str(_value(ev, "language"))
        if _value(ev, "is_final"):
            if not text.strip():
                self._segment = None
                return
            data["startedAt"] = wire.timestamp(self._segment_started or at)
            data["endedAt"] = wire.timestamp(at)
            self.client.report(self.call_id, "transcript.final", data, at=at)
            self._segment = None
        elif text.strip():
            self.client.report(self.call_id, "transcript.interim", data, at=at)

    def _on_conversation_item_added(self, ev: Any) -> None:
        item = _value(ev, "item")
        kind = _value(item, "type")
        if kind == "agent_handoff":
            new_agent = _value(item, "new_agent_id")
            data = {"to": new_agent}
            if _value(item, "old_agent_id"):
                data["from"] = _value(item, "old_agent_id")
            self._persona = new_agent
            self.client.report(self.call_id, "agent.handoff", data, at=_value(item, "created_at"))
            return
        if kind != "message":
            return
        role = _value(item, "role")
        metrics = _value(item, "metrics") or {}
        if role == "user":
            for ours, theirs in (("endOfUtteranceMs", "end_of_turn_delay"), ("sttMs", "transcription_delay")):
                if (ms := _ms(_value(metrics, theirs))) is not None:
                    self._turn[ours] = ms
            return
        if role != "assistant":
            return
        text = _text_content(item)
        if text:
            if not self.control.take_supervisor_words(text):  # a supervisor's words are not the agent's
                data = {"speaker": "agent", "segmentId": _value(item, "id") or self.client.next_id(), "text": text[: wire.MAX_TEXT_CHARS]}
                started, stopped = _value(metrics, "started_speaking_at"), _value(metrics, "stopped_speaking_at")
                if isinstance(started, (int, float)):
                    data["startedAt"] = wire.timestamp(started)
                if isinstance(stopped, (int, float)):
                    data["endedAt"] = wire.timestamp(stopped)
                self.client.report(self.call_id, "transcript.final", data, at=_value(item, "created_at"))
        for ours, theirs in (("llmTtftMs", "llm_node_ttft"), ("ttsTtfbMs", "tts_node_ttfb"), ("e2eMs", "e2e_latency")):
            if (ms := _ms(_value(metrics, theirs))) is not None:
                self._turn[ours] = ms
        model = _value(_value(metrics, "llm_metadata") or {}, "model_name")
        if model:
            self._turn["model"] = model
        if any(k in self._turn for k in ("llmTtftMs", "ttsTtfbMs", "e2eMs", "llmTotalMs")):
            turn = dict(self._turn, turnId=_value(item, "id") or self.client.next_id())
            self._turn = {}
            self.client.report(self.call_id, "metrics.turn", turn, at=_value(item, "created_at"))

    def _on_tool_execution_updated(self, ev: Any) -> None:
        update = _value(ev, "update")
        if _value(update, "type") == "tool_call_started":
            self._tool_called(_value(update, "function_call"))

    def _tool_called(self, call: Any) -> None:
        call_id = _value(call, "call_id")
        if not call_id or call_id in self._tools_called:
            return
        self._tools_called[call_id] = _value(call, "created_at") or time.time()
        data: dict[str, Any] = {"toolCallId": call_id, "name": _value(call, "name")}
        arguments = _value(call, "arguments")
        if arguments:
            try:
                data["arguments"] = json.loads(arguments)
            except (TypeError, ValueError):
                data["arguments"] = {"raw": str(arguments)}
        self.client.report(self.call_id, "tool.called", data, at=self._tools_called[call_id])

    def _on_function_tools_executed(self, ev: Any) -> None:
        pairs = list(zip(_value(ev, "function_calls") or [], _value(ev, "function_call_outputs") or []))
        for call, _ in pairs:
            self._tool_called(call)  # where tool_execution_updated (newer 1.x) did not report it already
        for call, output in pairs:
            call_id = _value(call, "call_id")
            started = self._tools_called.pop(call_id, None)
            finished = _value(output, "created_at") or time.time()
            ok = not _value(output, "is_error", False)
            data: dict[str, Any] = {"toolCallId": call_id, "name": _value(call, "name") or _value(output, "name"), "ok": ok}
            text = _value(output, "output")
            if text is not None:
                data["result" if ok else "error"] = str(text)[:2000]
            if started is not None and (ms := _ms(finished - started)) is not None:
                data["durationMs"] = ms
            self.client.report(self.call_id, "tool.result", data, at=finished)

    def _on_metrics_collected(self, ev: Any) -> None:
        # Older 1.x report per-turn figures only here; the LLM's total time comes only from here.
        m = _value(ev, "metrics")
        kind = _value(m, "type")
        if kind == "llm_metrics":
            for ours, theirs in (() if self._usage_seen else (("promptTokens", "prompt_tokens"), ("completionTokens", "completion_tokens"))):
                value = _value(m, theirs)
                if isinstance(value, int) and value >= 0:
                    self._turn[ours] = self._turn.get(ours, 0) + value
            if (ms := _ms(_value(m, "duration"))) is not None:
                self._turn["llmTotalMs"] = self._turn.get("llmTotalMs", 0) + ms
            self._turn.setdefault("llmTtftMs", _ms(_value(m, "ttft")))
            model = _value(_value(m, "metadata"), "model_name")
            if model:
                self._turn.setdefault("model", model)
        elif kind == "eou_metrics":
            self._turn.setdefault("endOfUtteranceMs", _ms(_value(m, "end_of_utterance_delay")))
            self._turn.setdefault("sttMs", _ms(_value(m, "transcription_delay")))
        elif kind == "tts_metrics":
            self._turn.setdefault("ttsTtfbMs", _ms(_value(m, "ttfb")))
        self._turn = {k: v for k, v in self._turn.items() if v is not None}

    def _on_session_usage_updated(self, ev: Any) -> None:
        # The usage is cumulative per model; the growth since the last update belongs to the turn.
        self._usage_seen = True  # tokens come from the usage from now on, not from metrics_collected
        prompt = completion = 0
        for usage in _value(_value(ev, "usage"), "model_usage") or []:
            if _value(usage, "type") == "llm_usage":
                prompt += _value(usage, "input_tokens", 0) or 0
                completion += _value(usage, "output_tokens", 0) or 0
                if _value(usage, "model"):
                    self._turn.setdefault("model", _value(usage, "model"))
        if prompt > self._prompt_tokens:
            self._turn["promptTokens"] = self._turn.get("promptTokens", 0) + prompt - self._prompt_tokens
        if completion > self._completion_tokens:
            self._turn["completionTokens"] = self._turn.get("completionTokens", 0) + completion - self._completion_tokens
        self._prompt_tokens, self._completion_tokens = max(prompt, self._prompt_tokens), max(completion, self._completion_tokens)

    def _on_speech_created(self, ev: Any) -> None:
        self.control.on_speech_created(_value(ev, "speech_handle"))

    def _on_error(self, ev: Any) -> None:
        error = _value(ev, "error")
        data = {"message": str(_value(error, "error", None) or error)[:2000],
                "source": type(_value(ev, "source")).__name__,
                "recoverable": bool(_value(error, "recoverable", False))}
        self.client.report(self.call_id, "x-livekit.error", data, at=_value(ev, "created_at"))

    def _on_close(self, ev: Any) -> None:
        if self.ended:
            return
        self.ended = True
        reason = _CLOSE_REASONS.get(_text(_value(ev, "reason", "job_shutdown")), "completed")
        data: dict[str, Any] = {"reason": reason}
        if _value(ev, "error") is not None:
            data["detail"] = str(_value(ev, "error"))[:2000]
        self._finish(data, at=_value(ev, "created_at"))

    def _finish(self, data: dict[str, Any], at: float | None = None) -> None:
        self.client.report(self.call_id, "call.ended", data, at=at)
        self.client.stop_heartbeats(self.call_id)
        self.control.cancel_escalations()
        for emitter, event, callback in self._listeners:
            off = getattr(emitter, "off", None)
            if off is not None:
                off(event, callback)
        self._listeners.clear()
        if self._owns_client:
            self._loop.create_task(self.client.aclose())

    # ---- what supervisors do (control.py) ----

    @property
    def paused(self) -> bool:
        return self.control.paused

    def on_command(self, command: wire.Command) -> None:
        self.control.on_command(command)

    async def ask_supervisor(self, question: str, topic: str | None = None, context: str | None = None, timeout: float | None = None) -> str:
        """Asks the help queue while the caller holds; the answer, or what to tell the caller instead."""
        return await self.control.ask_supervisor(question, topic, context, timeout)

    def ask_supervisor_tool(self, function_tool: Callable[..., Any] | None = None) -> Any:
        """The `ask_supervisor` function tool for an Agent's `tools=[…]`."""
        return self.control.ask_supervisor_tool(function_tool)

    def _end_by_supervisor(self, data: dict[str, Any]) -> None:
        if not self.ended:
            self.ended = True
            self._finish(data)


def _text_content(item: Any) -> str:
    text = _value(item, "text_content")
    if isinstance(text, str):
        return text
    return "\n".join(c for c in (_value(item, "content") or []) if isinstance(c, str))


async def attach(session: Any, ctx: Any, options: Options | None = None, client: SwitchboardClient | None = None) -> SessionReporter:
    """Reports `session` (a livekit-agents 1.x AgentSession) of job `ctx` to Switchboard.

    Call it after `ctx.connect()` and before `session.start(...)`. The call id is `options.call_id`,
    else the room's SID (`ctx.job.room.sid`, or `await ctx.room.sid`).
    """
    options = options or Options()
    room = _value(ctx, "room") if ctx is not None else None
    call_id = options.call_id
    if call_id is None:
        # The job's room (a protobuf) carries the SID as a string at once; rtc.Room's `sid` is awaited.
        job_sid = _value(_value(_value(ctx, "job"), "room"), "sid")
        call_id = job_sid if isinstance(job_sid, str) and job_sid else None
    if call_id is None and room is not None:
        call_id = await _maybe_await(_value(room, "sid"))
    if not call_id:
        raise ValueError("no call id: pass options.call_id or a job context whose room has a SID")
    owns = client is None
    client = client or SwitchboardClient(options)
    reporter = SessionReporter(client, session, ctx, str(call_id), options, owns_client=owns)
    client.open_call(reporter.call_id, reporter.on_command)
    reporter.start(room)
    return reporter
