"""The Switchboard wire protocol (docs/PROTOCOL.md): events, their validation, and the frames."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

MAX_BATCH_EVENTS = 1000
MAX_BATCH_BYTES = 1024 * 1024
MAX_DATA_BYTES = 64 * 1024
MAX_ID_CHARS = 128
MAX_TEXT_CHARS = 8000

AGENT_TYPES = frozenset({
    "call.started", "call.ended", "participant.joined", "participant.left", "transcript.final",
    "agent.state", "agent.handoff", "tool.called", "tool.result", "metrics.turn",
    "escalation.requested", "escalation.cancelled", "command.acked", "transfer.completed",
    "transfer.failed",
})
EPHEMERAL_TYPES = frozenset({"transcript.interim", "debug", "agent.heartbeat"})
SERVER_TYPES = frozenset({
    "sentiment.scored", "alert.raised", "escalation.claimed", "escalation.answered",
    "escalation.timed_out", "supervisor.joined", "supervisor.left", "supervisor.guidance",
    "control.takeover", "control.handback", "transfer.requested", "scorecard.completed",
    "scorecard.reviewed", "call.disposition",
})
AGENT_STATES = frozenset({"initializing", "idle", "listening", "thinking", "speaking"})
END_REASONS = frozenset({
    "completed", "caller_hangup", "transferred", "supervisor_ended", "agent_error",
    "room_finished", "reconciled",
})
_REQUIRED_DATA = {
    "call.ended": ("reason",),
    "participant.joined": ("identity", "role"),
    "participant.left": ("identity", "role"),
    "transcript.final": ("speaker", "segmentId", "text"),
    "transcript.interim": ("speaker", "segmentId", "text"),
    "agent.state": ("state",),
    "agent.handoff": ("to",),
    "tool.called": ("toolCallId", "name"),
    "tool.result": ("toolCallId", "name", "ok"),
    "escalation.requested": ("requestId", "question"),
    "escalation.cancelled": ("requestId",),
    "command.acked": ("commandId",),
}
_ID_FIELDS = ("segmentId", "toolCallId", "requestId", "commandId")


class ProtocolError(ValueError):
    """A frame or event that does not follow docs/PROTOCOL.md."""


def should_retry(status: int | None) -> bool:
    """Whether a refused batch is kept and resent unchanged after a backoff (401, 403, 429, 5xx) or dropped."""
    return status is not None and (status in (401, 403, 429) or status >= 500)


def timestamp(epoch_seconds: float) -> str:
    """ISO 8601 in UTC with milliseconds, as the server expects for `at`."""
    moment = datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def is_durable(event_type: str) -> bool:
    return event_type not in EPHEMERAL_TYPES


def make_event(event_id: str, call_id: str, event_type: str, at: str, data: dict[str, Any], traceparent: str | None = None) -> dict[str, Any]:
    """The envelope exactly as it goes on the wire."""
    event = {"id": event_id, "callId": call_id, "type": event_type, "at": at, "data": data}
    if traceparent is not None:
        event["traceparent"] = traceparent
    return event


_otel_trace: Any = None


def current_traceparent() -> str | None:
    """The W3C traceparent of the OpenTelemetry span active now, when `opentelemetry-api` is installed
    (livekit-agents depends on it) and a valid span is active; otherwise None."""
    global _otel_trace
    if _otel_trace is None:
        try:
            from opentelemetry import trace as otel_trace  # type: ignore[import-not-found]
        except ImportError:
            _otel_trace = False
            return None
        _otel_trace = otel_trace
    if _otel_trace is False:
        return None
    context = _otel_trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags) & 0xFF:02x}"


def _id_problem(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return "is required"
    if len(value) > MAX_ID_CHARS:
        return f"is longer than {MAX_ID_CHARS} characters"
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            return "holds a character that is not visible text"
    return None


def validate_event(event: Any) -> list[str]:
    """Every problem of one event an agent would send (empty when the server would accept it)."""
    if not isinstance(event, dict):
        return ["event is not an object"]
    problems = []
    for name in ("id", "callId"):
        if (problem := _id_problem(event.get(name))) is not None:
            problems.append(f"{name} {problem}")
    call_id = event.get("callId")
    if isinstance(call_id, str) and ("/" in call_id or "\\" in call_id or call_id in (".", "..")):
        problems.append("callId may not contain '/' or '\\' nor be '.' or '..'")
    event_type = event.get("type")
    if not isinstance(event_type, str) or not event_type:
        problems.append("type is required")
    elif event_type in SERVER_TYPES:
        problems.append(f"type {event_type} is sent by the server only")
    elif not (event_type in AGENT_TYPES or event_type in EPHEMERAL_TYPES or event_type.startswith("x-")):
        problems.append(f"type {event_type} is unknown")
    if not isinstance(event.get("at"), str) or not event.get("at"):
        problems.append("at is required")
    data = event.get("data", {})
    if not isinstance(data, dict):
        problems.append("data is not an object")
        return problems
    if len(json.dumps(data, ensure_ascii=False).encode("utf-8")) > MAX_DATA_BYTES:
        problems.append(f"data is larger than {MAX_DATA_BYTES} bytes")
    for name in _REQUIRED_DATA.get(event_type, ()):
        if data.get(name) is None or data.get(name) == "":
            problems.append(f"data.{name} is required")
    for name in _ID_FIELDS:
        if name in data and (problem := _id_problem(data[name])) is not None:
            problems.append(f"data.{name} {problem}")
    if event_type == "agent.state" and data.get("state") not in AGENT_STATES:
        problems.append("data.state is not an agent state")
    if event_type == "call.ended" and data.get("reason") not in END_REASONS:
        problems.append("data.reason is not an end reason")
    if event_type in ("transcript.final", "transcript.interim") and len(str(data.get("text", ""))) > MAX_TEXT_CHARS:
        problems.append(f"data.text is longer than {MAX_TEXT_CHARS} characters")
    return problems


def encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def http_batch(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Body of `POST /api/v1/events`."""
    return {"events": events}


def socket_batch(ref: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """An `events` message on `/api/v1/agent/ws`."""
    return {"op": "events", "ref": ref, "events": events}


def socket_subscribe(call_ids: list[str]) -> dict[str, Any]:
    return {"op": "subscribe", "callIds": call_ids}


def socket_ping(ref: str) -> dict[str, Any]:
    return {"op": "ping", "ref": ref}


@dataclass(frozen=True)
class AckResult:
    id: str
    call_id: str
    seq: int
    duplicate: bool


@dataclass(frozen=True)
class Ack:
    """A committed batch: `ack` on the socket (with `ref`) or the 200 answer of HTTP (ref None)."""
    ref: str | None
    results: list[AckResult]


@dataclass(frozen=True)
class InvalidEvent:
    index: int
    id: str | None
    field: str | None
    message: str | None


@dataclass(frozen=True)
class Problem:
    """An RFC 9457 problem; `invalid_events` names what refused a batch."""
    type: str | None
    status: int | None
    title: str | None
    detail: str | None
    invalid_events: list[InvalidEvent] = field(default_factory=list)


@dataclass(frozen=True)
class Rejected:
    ref: str | None
    problem: Problem


@dataclass(frozen=True)
class Command:
    command_id: str
    call_id: str
    type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Pong:
    ref: str | None


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProtocolError(f"{where} is not a JSON object")
    return value


def _string(obj: dict[str, Any], name: str, where: str, required: bool = True) -> str | None:
    value = obj.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise ProtocolError(f"{where}.{name} must be a non-empty string")
    return value


def _ref(obj: dict[str, Any], required: bool) -> str | None:
    # The server reads and echoes `ref` as a string (Contracts/Agent/AgentMessage.Ref).
    value = obj.get("ref")
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ProtocolError("ref must be a non-empty string")
    return value


def parse_results(value: Any) -> list[AckResult]:
    if not isinstance(value, list):
        raise ProtocolError("results must be an array")
    results = []
    for index, raw in enumerate(value):
        item = _object(raw, f"results[{index}]")
        seq = item.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise ProtocolError(f"results[{index}].seq must be a non-negative whole number")
        results.append(AckResult(
            id=_string(item, "id", f"results[{index}]"),
            call_id=_string(item, "callId", f"results[{index}]"),
            seq=seq,
            duplicate=bool(item.get("duplicate", False)),
        ))
    return results


def parse_http_ack(value: Any) -> Ack:
    return Ack(ref=None, results=parse_results(_object(value, "answer").get("results")))


def parse_problem(value: Any) -> Problem:
    obj = _object(value, "problem")
    status = obj.get("status")
    if status is not None and (not isinstance(status, int) or isinstance(status, bool)):
        raise ProtocolError("problem.status must be a whole number")
    invalid = []
    raw_invalid = obj.get("invalidEvents") or []
    if not isinstance(raw_invalid, list):
        raise ProtocolError("problem.invalidEvents must be an array")
    for position, raw in enumerate(raw_invalid):
        item = _object(raw, f"invalidEvents[{position}]")
        index = item.get("index")
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise ProtocolError(f"invalidEvents[{position}].index must be a non-negative whole number")
        invalid.append(InvalidEvent(index=index, id=item.get("id"), field=item.get("field"), message=item.get("message")))
    return Problem(type=obj.get("type"), status=status, title=obj.get("title"), detail=obj.get("detail"), invalid_events=invalid)


def parse_command(value: Any) -> Command:
    obj = _object(value, "command")
    data = obj.get("data", {})
    if data is None:
        data = {}
    return Command(
        command_id=_string(obj, "commandId", "command"),
        call_id=_string(obj, "callId", "command"),
        type=_string(obj, "type", "command"),
        data=_object(data, "command.data"),
    )


def parse_socket_frame(text: str | dict[str, Any]) -> Ack | Rejected | Command | Pong:
    """One text message the server sent on the agent socket."""
    if isinstance(text, str):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise ProtocolError(f"not JSON: {error}") from None
    else:
        value = text
    obj = _object(value, "message")
    op = obj.get("op")
    if op == "ack":
        return Ack(ref=_ref(obj, True), results=parse_results(obj.get("results")))
    if op == "rejected":
        return Rejected(ref=_ref(obj, True), problem=parse_problem(obj.get("problem")))
    if op == "command":
        return parse_command(obj.get("command"))
    if op == "pong":
        return Pong(ref=_ref(obj, False))
    raise ProtocolError(f"unknown op {op!r}")
