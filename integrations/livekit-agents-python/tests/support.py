"""What the tests share: a transport that records what the server would receive, and bounded waits."""
from __future__ import annotations

import asyncio
from typing import Any, Callable

from switchboard_livekit import Options, SwitchboardClient, Transport, attach, wire
from tests.livekit_agents_double import AgentSession, JobContext, Participant, ParticipantKind, Room

WAIT_SECONDS = 5.0


class RecordingTransport(Transport):
    """Acknowledges every batch like the server; `hold` keeps batches from being answered."""

    supports_commands = True

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[dict[str, Any]]] = []
        self.subscribed: list[str] = []
        self.hold = asyncio.Event()
        self.hold.set()
        self.fail_next = 0
        self.reject_indexes: set[int] = set()
        self._seq: dict[str, int] = {}

    @property
    def events(self) -> list[dict[str, Any]]:
        return [event for batch in self.batches for event in batch]

    def types(self, *, durable_only: bool = False) -> list[str]:
        return [e["type"] for e in self.events if not durable_only or wire.is_durable(e["type"])]

    async def subscribe(self, call_ids: list[str]) -> None:
        self.subscribed.extend(call_ids)

    async def send(self, events: list[dict[str, Any]]) -> Any:
        await asyncio.wait_for(self.hold.wait(), WAIT_SECONDS)
        if self.fail_next:
            self.fail_next -= 1
            from switchboard_livekit import SendFailed
            return SendFailed("simulated outage")
        if self.reject_indexes:
            bad = self.reject_indexes
            self.reject_indexes = set()
            return wire.Rejected(None, wire.Problem("invalid-events", 400, "invalid", "bad", [wire.InvalidEvent(i, events[i]["id"], "data", "bad") for i in sorted(bad)]))
        self.batches.append(list(events))
        results = []
        for event in events:
            seq = 0
            if wire.is_durable(event["type"]):
                seq = self._seq.get(event["callId"], 0) + 1
                self._seq[event["callId"]] = seq
            results.append(wire.AckResult(event["id"], event["callId"], seq, False))
        return wire.Ack(None, results)

    def command(self, call_id: str, command_id: str, command_type: str, data: dict[str, Any]) -> None:
        """The server pushes a command, parsed from its wire form."""
        frame = {"op": "command", "command": {"commandId": command_id, "callId": call_id, "type": command_type, "data": data}}
        self.on_command(wire.parse_socket_frame(wire.encode(frame)))


async def wait_until(predicate: Callable[[], bool], what: str, timeout: float = WAIT_SECONDS) -> None:
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.005)
    try:
        await asyncio.wait_for(poll(), timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None


def fast_options(**overrides: Any) -> Options:
    values = dict(server_url="http://switchboard.invalid", api_key="sbk_test", reconnect_delay_min=0.01,
                  reconnect_delay_max=0.05, shutdown_timeout=2.0, hold_message=None)
    values.update(overrides)
    return Options(**values)


async def attached(call_id: str = "RM_test1", **overrides: Any) -> tuple[Any, AgentSession, Room, RecordingTransport, SwitchboardClient]:
    transport = RecordingTransport()
    options = fast_options(**overrides)
    client = SwitchboardClient(options, transport=transport)
    session = AgentSession("greeter")
    room = Room(call_id, "support-room")
    room.remote_participants["caller-1"] = Participant("caller-1", kind=ParticipantKind.SIP, name="Ann")
    reporter = await attach(session, JobContext(room), options, client=client)
    return reporter, session, room, transport, client


def of_type(transport: RecordingTransport, event_type: str) -> list[dict[str, Any]]:
    return [e for e in transport.events if e["type"] == event_type]
