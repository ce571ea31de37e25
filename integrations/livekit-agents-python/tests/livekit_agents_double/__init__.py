"""A test double of livekit-agents 1.x: an AgentSession, a room and a job context that emit the
framework's real event shapes, without a LiveKit server, models or PyPI.

Shapes taken from livekit/agents at commit da6af86ac640a3bc54585764e64321d7048c1c16
(livekit-agents 1.7.0, livekit-agents/livekit/agents/version.py):
- voice/events.py: AgentStateChangedEvent, UserInputTranscribedEvent, ConversationItemAddedEvent,
  FunctionToolsExecutedEvent, ToolExecutionUpdatedEvent/ToolCallStarted, MetricsCollectedEvent,
  SessionUsageUpdatedEvent, SpeechCreatedEvent, ErrorEvent, CloseEvent, CloseReason;
- llm/chat_context.py: ChatMessage (id, type "message", role, content, metrics: MetricsReport with
  transcription_delay, end_of_turn_delay, llm_node_ttft, tts_node_ttfb, e2e_latency,
  started_speaking_at, stopped_speaking_at, llm_metadata.model_name), FunctionCall (call_id,
  arguments as a JSON string, name, created_at), FunctionCallOutput (call_id, name, output,
  is_error, created_at), AgentHandoff (old_agent_id, new_agent_id);
- metrics/base.py: LLMMetrics, EOUMetrics, TTSMetrics; metrics/usage.py: AgentSessionUsage,
  LLMModelUsage (type "llm_usage", provider, model, input_tokens, output_tokens);
- voice/agent_session.py: on/off/emit (rtc.EventEmitter), say(text, allow_interruptions=…,
  add_to_chat_ctx=…) -> SpeechHandle, generate_reply(instructions=…), interrupt(force=…),
  shutdown(drain=…), input / output with set_audio_enabled, current_agent (Agent.id);
- voice/speech_handle.py: SpeechHandle.interrupt(force=…), add_done_callback;
- inference/avatar.py reads the room SID as `job_ctx.job.room.sid or await room.sid`.
The events are plain dataclasses here (the real ones are pydantic models); the integration reads
them by attribute only, as it does the real ones.
"""
from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable

_ids = itertools.count(1)


def _item_id() -> str:
    return f"item_{next(_ids):08x}"


@dataclass
class AgentStateChangedEvent:
    old_state: str
    new_state: str
    type: str = "agent_state_changed"
    created_at: float = field(default_factory=time.time)


@dataclass
class UserInputTranscribedEvent:
    transcript: str
    is_final: bool
    item_id: str | None = None
    speaker_id: str | None = None
    language: str | None = None
    type: str = "user_input_transcribed"
    created_at: float = field(default_factory=time.time)


@dataclass
class ChatMessage:
    role: str
    content: list[Any]
    id: str = field(default_factory=_item_id)
    type: str = "message"
    interrupted: bool = False
    metrics: dict[str, Any] = field(default_factory=dict)
    created_at: float = field(default_factory=time.time)

    @property
    def text_content(self) -> str | None:
        texts = [c for c in self.content if isinstance(c, str)]
        return "\n".join(texts) if texts else None


@dataclass
class AgentHandoff:
    new_agent_id: str
    old_agent_id: str | None = None
    id: str = field(default_factory=_item_id)
    type: str = "agent_handoff"
    created_at: float = field(default_factory=time.time)


@dataclass
class ConversationItemAddedEvent:
    item: Any
    type: str = "conversation_item_added"
    created_at: float = field(default_factory=time.time)


@dataclass
class FunctionCall:
    call_id: str
    arguments: str
    name: str
    id: str = field(default_factory=_item_id)
    type: str = "function_call"
    created_at: float = field(default_factory=time.time)


@dataclass
class FunctionCallOutput:
    call_id: str
    output: str
    is_error: bool
    name: str = ""
    id: str = field(default_factory=_item_id)
    type: str = "function_call_output"
    created_at: float = field(default_factory=time.time)


@dataclass
class FunctionToolsExecutedEvent:
    function_calls: list[FunctionCall]
    function_call_outputs: list[FunctionCallOutput]
    type: str = "function_tools_executed"
    created_at: float = field(default_factory=time.time)


@dataclass
class ToolCallStarted:
    function_call: FunctionCall
    type: str = "tool_call_started"


@dataclass
class ToolExecutionUpdatedEvent:
    update: Any
    type: str = "tool_execution_updated"
    created_at: float = field(default_factory=time.time)


@dataclass
class Metadata:
    model_name: str | None = None
    model_provider: str | None = None


@dataclass
class LLMMetrics:
    label: str
    request_id: str
    timestamp: float
    duration: float
    ttft: float
    cancelled: bool
    completion_tokens: int
    prompt_tokens: int
    prompt_cached_tokens: int
    total_tokens: int
    tokens_per_second: float
    speech_id: str | None = None
    metadata: Metadata | None = None
    type: str = "llm_metrics"


@dataclass
class EOUMetrics:
    timestamp: float
    end_of_utterance_delay: float
    transcription_delay: float
    on_user_turn_completed_delay: float
    speech_id: str | None = None
    type: str = "eou_metrics"


@dataclass
class TTSMetrics:
    label: str
    request_id: str
    timestamp: float
    ttfb: float
    duration: float
    audio_duration: float
    cancelled: bool
    characters_count: int
    streamed: bool
    speech_id: str | None = None
    type: str = "tts_metrics"


@dataclass
class MetricsCollectedEvent:
    metrics: Any
    type: str = "metrics_collected"
    created_at: float = field(default_factory=time.time)


@dataclass
class LLMModelUsage:
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    type: str = "llm_usage"


@dataclass
class AgentSessionUsage:
    model_usage: list[Any]


@dataclass
class SessionUsageUpdatedEvent:
    usage: AgentSessionUsage
    type: str = "session_usage_updated"
    created_at: float = field(default_factory=time.time)


class SpeechHandle:
    def __init__(self, source: str, text: str | None = None, instructions: str | None = None) -> None:
        self.id = f"speech_{next(_ids):08x}"
        self.source = source
        self.text = text
        self.instructions = instructions
        self.interrupted = False
        self._callbacks: list[Callable[[SpeechHandle], None]] = []
        self.done = False

    def interrupt(self, *, force: bool = False) -> "SpeechHandle":
        self.interrupted = True
        return self

    def add_done_callback(self, callback: Callable[["SpeechHandle"], None]) -> None:
        self._callbacks.append(callback)

    def finish(self) -> None:
        self.done = True
        for callback in self._callbacks:
            callback(self)


@dataclass
class SpeechCreatedEvent:
    user_initiated: bool
    source: str
    speech_handle: SpeechHandle
    type: str = "speech_created"
    created_at: float = field(default_factory=time.time)


@dataclass
class LLMError:
    error: Exception
    recoverable: bool
    label: str = ""
    type: str = "llm_error"


class LLM:
    """Stands for the source of an ErrorEvent (an llm.LLM)."""


@dataclass
class ErrorEvent:
    error: Any
    source: Any
    type: str = "error"
    created_at: float = field(default_factory=time.time)


class CloseReason(str, Enum):
    ERROR = "error"
    JOB_SHUTDOWN = "job_shutdown"
    PARTICIPANT_DISCONNECTED = "participant_disconnected"
    USER_INITIATED = "user_initiated"
    TASK_COMPLETED = "task_completed"


@dataclass
class CloseEvent:
    reason: CloseReason
    error: Any = None
    type: str = "close"
    created_at: float = field(default_factory=time.time)


class EventEmitter:
    """rtc.EventEmitter: on(event, callback), off(event, callback), emit(event, *args)."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Callable[..., None]]] = {}

    def on(self, event: str, callback: Callable[..., None] | None = None) -> Callable[..., None]:
        assert callback is not None
        self._handlers.setdefault(event, []).append(callback)
        return callback

    def off(self, event: str, callback: Callable[..., None]) -> None:
        self._handlers.get(event, []).remove(callback)

    def emit(self, event: str, *args: Any) -> None:
        for callback in list(self._handlers.get(event, [])):
            callback(*args)

    def listeners(self, event: str) -> int:
        return len(self._handlers.get(event, []))


class _AudioSwitch:
    def __init__(self) -> None:
        self.audio_enabled = True
        self.changes: list[bool] = []

    def set_audio_enabled(self, enabled: bool) -> None:
        self.audio_enabled = enabled
        self.changes.append(enabled)


class Agent:
    def __init__(self, agent_id: str) -> None:
        self.id = agent_id


class AgentSession(EventEmitter):
    """The controls the integration uses, recorded so that tests can see what reached the session."""

    def __init__(self, agent_id: str = "assistant") -> None:
        super().__init__()
        self.input = _AudioSwitch()
        self.output = _AudioSwitch()
        self.current_agent = Agent(agent_id)
        self.said: list[SpeechHandle] = []
        self.replies: list[SpeechHandle] = []
        self.interrupts = 0
        self.shut_down = False

    def say(self, text: str, *, allow_interruptions: bool | None = None, add_to_chat_ctx: bool = True) -> SpeechHandle:
        handle = SpeechHandle("say", text=text)
        self.said.append(handle)
        self.emit("speech_created", SpeechCreatedEvent(user_initiated=True, source="say", speech_handle=handle))
        return handle

    def generate_reply(self, *, user_input: str | None = None, instructions: str | None = None, allow_interruptions: bool | None = None) -> SpeechHandle:
        handle = SpeechHandle("generate_reply", instructions=instructions)
        self.replies.append(handle)
        self.emit("speech_created", SpeechCreatedEvent(user_initiated=True, source="generate_reply", speech_handle=handle))
        return handle

    def auto_reply(self) -> SpeechHandle:
        """What the framework does by itself after a user turn: a reply it was not asked for."""
        handle = SpeechHandle("generate_reply")
        self.emit("speech_created", SpeechCreatedEvent(user_initiated=False, source="generate_reply", speech_handle=handle))
        return handle

    def interrupt(self, *, force: bool = False) -> "asyncio.Future[None]":
        self.interrupts += 1
        future: asyncio.Future[None] = asyncio.get_event_loop().create_future()
        future.set_result(None)
        return future

    def shutdown(self, *, drain: bool = True) -> None:
        self.shut_down = True
        self.emit("close", CloseEvent(reason=CloseReason.USER_INITIATED))


class ParticipantKind:
    """rtc.ParticipantKind values (livekit rtc protocol: STANDARD 0, INGRESS 1, EGRESS 2, SIP 3, AGENT 4)."""
    STANDARD = 0
    EGRESS = 2
    SIP = 3
    AGENT = 4


@dataclass
class Participant:
    identity: str
    kind: int = ParticipantKind.STANDARD
    name: str = ""
    sid: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


class Room(EventEmitter):
    """rtc.Room: name, the SID awaited (`await room.sid`), participants and their events."""

    def __init__(self, sid: str, name: str, agent_identity: str = "agent-1") -> None:
        super().__init__()
        self._sid = sid
        self.name = name
        self.local_participant = Participant(agent_identity, kind=ParticipantKind.AGENT)
        self.remote_participants: dict[str, Participant] = {}

    @property
    async def sid(self) -> str:
        return self._sid

    def join(self, participant: Participant) -> None:
        self.remote_participants[participant.identity] = participant
        self.emit("participant_connected", participant)

    def leave(self, identity: str) -> None:
        self.emit("participant_disconnected", self.remote_participants.pop(identity))


@dataclass
class JobRoom:
    """The job's room (livekit.protocol.models.Room): its SID is a plain string."""
    sid: str
    name: str = ""


@dataclass
class Job:
    room: JobRoom


class JobContext:
    """JobContext: `room` (rtc.Room, SID awaited) and `job` (the job's protobuf, `job.room.sid`)."""

    def __init__(self, room: Room, job: Job | None = None) -> None:
        self.room = room
        self.job = job
