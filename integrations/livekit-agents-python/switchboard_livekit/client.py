"""The reporting client: a bounded buffer, one background sender, commands routed to calls."""
from __future__ import annotations

import asyncio
import itertools
import logging
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from . import wire
from .buffer import EventBuffer
from .transport import HttpTransport, SendFailed, Transport, UpgradeRefused, WebSocketTransport

log = logging.getLogger("switchboard_livekit")

HTTP_FALLBACK_SECONDS = 300.0


@dataclass
class Options:
    """Where to report and how. `server_url` and `api_key` (agent scope) are required."""
    server_url: str = field(default_factory=lambda: os.environ.get("SWITCHBOARD_URL", ""))
    api_key: str = field(default_factory=lambda: os.environ.get("SWITCHBOARD_API_KEY", ""))
    transport: str = "auto"                 # auto | websocket | http
    call_id: str | None = None              # default: the LiveKit room SID
    agent_name: str | None = None
    direction: str | None = None            # inbound | outbound | web
    max_queued_events: int = 10_000
    max_batch_events: int = 500
    heartbeat_interval: float = 15.0
    ack_timeout: float = 30.0
    reconnect_delay_min: float = 0.25
    reconnect_delay_max: float = 30.0
    ephemeral_max_age: float = 10.0
    shutdown_timeout: float = 5.0
    escalation_timeout: float = 45.0
    escalation_grace: float = 5.0           # no outcome this long after the timeout: withdraw the request
    legacy_metrics: bool = False            # also read metrics_collected (livekit-agents before ChatMessage.metrics)
    hold_message: str | None = "One moment please, I'm checking with a colleague."

    def problems(self) -> list[str]:
        found = []
        if not self.server_url.startswith(("http://", "https://")):
            found.append("server_url must be an http:// or https:// address")
        if not self.api_key:
            found.append("api_key is required (an agent-scope key: keys create --scope agent)")
        if self.transport not in ("auto", "websocket", "http"):
            found.append("transport must be auto, websocket or http")
        if not 1 <= self.max_batch_events <= wire.MAX_BATCH_EVENTS:
            found.append(f"max_batch_events must be 1 to {wire.MAX_BATCH_EVENTS}")
        if self.max_queued_events < 2 * self.max_batch_events:
            found.append("max_queued_events must be at least twice max_batch_events")
        if self.heartbeat_interval <= 0 or self.ack_timeout <= 0:
            found.append("heartbeat_interval and ack_timeout must be positive")
        if not 0 < self.reconnect_delay_min <= self.reconnect_delay_max:
            found.append("reconnect delays must satisfy 0 < min <= max")
        return found


@dataclass
class Statistics:
    reported: int = 0
    acknowledged: int = 0
    refused: int = 0
    reconnects: int = 0
    connected: bool = False
    transport: str = ""


def backoff_delay(attempt: int, low: float, high: float, rng: random.Random) -> float:
    """The n-th reconnect delay: between half and all of low·2ⁿ, capped at high."""
    ceiling = min(high, low * (2 ** min(attempt, 30)))
    return rng.uniform(ceiling / 2, ceiling)


class SwitchboardClient:
    """Reports events without ever making the caller wait; must be created on the session's loop."""

    def __init__(self, options: Options, transport: Transport | None = None, clock: Callable[[], float] = time.time) -> None:
        problems = options.problems() if transport is None else [p for p in options.problems() if "server_url" not in p and "api_key" not in p]
        if problems:
            raise ValueError("invalid Switchboard options: " + "; ".join(problems))
        self.options = options
        self.statistics = Statistics()
        self._clock = clock
        self._buffer = EventBuffer(options.max_queued_events)
        self._fixed_transport = transport
        self._transport: Transport | None = None
        self._http_until = 0.0
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._ids = itertools.count(1)
        self._prefix = f"py-{os.getpid():x}-{int(clock() * 1000):x}"
        self._handlers: dict[str, Callable[[wire.Command], None]] = {}
        self._last_report: dict[str, float] = {}
        self._heartbeat_calls: set[str] = set()
        self._subscribe_pending: set[str] = set()
        self._rng = random.Random()
        self._closing = False
        self._tasks: list[asyncio.Task[None]] = []

    # ---- reporting (never blocks, never raises) ----

    def next_id(self) -> str:
        return f"{self._prefix}-{next(self._ids)}"

    def report(self, call_id: str, event_type: str, data: dict[str, Any], at: float | None = None, event_id: str | None = None) -> None:
        try:
            event = wire.make_event(event_id or self.next_id(), call_id, event_type, wire.timestamp(self._clock() if at is None else at), data, wire.current_traceparent())
            if problems := wire.validate_event(event):
                self.statistics.refused += 1
                log.warning("Switchboard event %s of call %s dropped: %s", event_type, call_id, "; ".join(problems))
                return
            self._buffer.put(event)
            self.statistics.reported += 1
            self._last_report[call_id] = time.monotonic()
            self._idle.clear()
            self._wake.set()
            self._ensure_started()
        except Exception:  # a report must never break the session
            log.exception("Switchboard report of %s failed", event_type)

    @property
    def dropped_ephemeral(self) -> int:
        return self._buffer.dropped_ephemeral

    @property
    def dropped_durable(self) -> int:
        return self._buffer.dropped_durable

    @property
    def queued(self) -> int:
        return len(self._buffer) + self._buffer.in_flight

    # ---- calls and commands ----

    def open_call(self, call_id: str, on_command: Callable[[wire.Command], None]) -> None:
        if call_id in self._handlers:
            raise ValueError(f"call {call_id} is already open")
        self._handlers[call_id] = on_command
        self._heartbeat_calls.add(call_id)
        self._subscribe_pending.add(call_id)
        self._last_report.setdefault(call_id, time.monotonic())
        self._wake.set()
        self._ensure_started()

    def stop_heartbeats(self, call_id: str) -> None:
        self._heartbeat_calls.discard(call_id)

    def close_call(self, call_id: str) -> None:
        self._heartbeat_calls.discard(call_id)
        self._handlers.pop(call_id, None)

    def _dispatch(self, command: wire.Command) -> None:
        handler = self._handlers.get(command.call_id)
        if handler is not None:
            handler(command)

    # ---- the background work ----

    def _ensure_started(self) -> None:
        if self._tasks or self._closing:
            return
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._send_loop()), loop.create_task(self._heartbeat_loop())]

    def _make_transport(self) -> Transport:
        if self._fixed_transport is not None:
            return self._fixed_transport
        mode = self.options.transport
        if mode == "websocket" or (mode == "auto" and time.monotonic() >= self._http_until):
            return WebSocketTransport(self.options.server_url, self.options.api_key, self.options.ack_timeout)
        return HttpTransport(self.options.server_url, self.options.api_key, self.options.ack_timeout)

    async def _connect(self) -> Transport:
        attempt = 0
        while True:
            transport = self._make_transport()
            transport.on_command = self._dispatch
            try:
                await transport.connect()
                self._transport = transport
                self.statistics.connected = True
                self.statistics.transport = type(transport).__name__
                self._subscribe_pending = set(self._handlers)
                return transport
            except UpgradeRefused as refused:
                if self.options.transport == "auto" and 400 <= refused.status < 500 and refused.status not in (401, 403, 408, 429):
                    log.warning("Switchboard: %s; sending HTTP batches for %d s", refused, HTTP_FALLBACK_SECONDS)
                    self._http_until = time.monotonic() + HTTP_FALLBACK_SECONDS
                    continue
                log.warning("Switchboard: %s", refused)
            except Exception as error:
                log.warning("Switchboard: connecting failed: %s", error)
            self.statistics.reconnects += 1
            await asyncio.sleep(backoff_delay(attempt, self.options.reconnect_delay_min, self.options.reconnect_delay_max, self._rng))
            attempt += 1

    async def _drop_report_events(self) -> None:
        for call_id, (ephemeral, durable) in self._buffer.take_drop_counts().items():
            self.report(call_id, "x-sdk.dropped", {"ephemeral": ephemeral, "durable": durable})

    async def _send_loop(self) -> None:
        transport: Transport | None = None
        batch: list[dict[str, Any]] = []
        attempt = 0
        while True:
            if (transport is not None and not batch and isinstance(transport, HttpTransport) and self._fixed_transport is None
                    and self.options.transport == "auto" and time.monotonic() >= self._http_until):
                await transport.close()  # the HTTP fallback has run its time: try the WebSocket again
                transport = None
            if transport is None:
                transport = await self._connect()
            if self._subscribe_pending and transport.supports_commands:
                calls = sorted(self._subscribe_pending)
                self._subscribe_pending.clear()
                try:
                    await transport.subscribe(calls)
                except Exception:
                    self._subscribe_pending.update(calls)
            if not batch:
                await self._drop_report_events()
                batch = self._buffer.take(self.options.max_batch_events, self.options.ephemeral_max_age)
            if not batch:
                self._idle.set()
                self._wake.clear()
                if self._closing:
                    return
                await self._wake.wait()
                continue
            try:
                outcome = await transport.send(batch)
            except Exception as error:  # a transport's defect must not stop delivery
                outcome = SendFailed(f"{type(error).__name__}: {error}")
            if isinstance(outcome, wire.Rejected) and wire.should_retry(outcome.problem.status):
                # Not the events' fault (an expired key, throttling, the store down): resent as it is.
                outcome = SendFailed(f"refused with {outcome.problem.status}: {outcome.problem.detail}")
            if isinstance(outcome, wire.Ack):
                self.statistics.acknowledged += len(batch)
                self._buffer.settle(len(batch))
                batch = []
                attempt = 0
            elif isinstance(outcome, wire.Rejected):
                bad = {item.index for item in outcome.problem.invalid_events}
                if not bad:  # refused as a whole (too large, malformed): nothing in it can be stored
                    bad = set(range(len(batch)))
                log.warning("Switchboard refused %d event(s): %s", len(bad), outcome.problem.detail)
                self.statistics.refused += len(bad)
                self._buffer.settle(len(bad))
                batch = [event for index, event in enumerate(batch) if index not in bad]
            else:
                assert isinstance(outcome, SendFailed)
                log.warning("Switchboard: sending failed (%s); resending after a reconnect", outcome.reason)
                self.statistics.connected = False
                await transport.close()
                transport = None
                self.statistics.reconnects += 1
                await asyncio.sleep(backoff_delay(attempt, self.options.reconnect_delay_min, self.options.reconnect_delay_max, self._rng))
                attempt += 1

    async def _heartbeat_loop(self) -> None:
        interval = self.options.heartbeat_interval
        while True:
            await asyncio.sleep(interval / 2)
            now = time.monotonic()
            for call_id in list(self._heartbeat_calls):
                if now - self._last_report.get(call_id, 0.0) >= 0.9 * interval:
                    self.report(call_id, "agent.heartbeat", {})

    async def flush(self, timeout: float) -> bool:
        """Waits until everything reported so far was acknowledged or dropped; False on timeout."""
        if not self._tasks:
            return True
        self._wake.set()
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    async def aclose(self) -> None:
        """Flushes for up to `shutdown_timeout`, then stops the background work and the connection."""
        self._closing = True
        await self.flush(self.options.shutdown_timeout)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        self._tasks = []
        if self._transport is not None:
            await self._transport.close()
