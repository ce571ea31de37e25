"""The bounded buffer between the session's event loop and the sender."""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

from .wire import is_durable


@dataclass
class QueuedEvent:
    event: dict[str, Any]
    durable: bool
    queued_at: float


class EventBuffer:
    """Holds at most `capacity` events, queued and in flight together.

    A report never waits: when the buffer is full the oldest queued ephemeral event is dropped,
    else the oldest queued durable one, and the new event is kept. Drops are counted per call so
    that the call's log can say how large its gap is.
    """

    def __init__(self, capacity: int, clock: Callable[[], float] = time.monotonic) -> None:
        if capacity < 2:
            raise ValueError("capacity must be at least 2")
        self.capacity = capacity
        self._clock = clock
        self._queue: deque[QueuedEvent] = deque()
        self.in_flight = 0
        self.dropped_ephemeral = 0
        self.dropped_durable = 0
        self.dropped_by_call: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._queue)

    def put(self, event: dict[str, Any]) -> None:
        if len(self._queue) + self.in_flight >= self.capacity:
            self._drop_one()
        self._queue.append(QueuedEvent(event, is_durable(event["type"]), self._clock()))

    def _drop_one(self) -> None:
        victim = next((q for q in self._queue if not q.durable), None)
        if victim is None and self._queue:
            victim = self._queue[0]
        if victim is None:
            return
        self._queue.remove(victim)
        self.count_drop(victim.event["callId"], victim.durable)

    def count_drop(self, call_id: str, durable: bool) -> None:
        counts = self.dropped_by_call.setdefault(call_id, [0, 0])
        if durable:
            self.dropped_durable += 1
            counts[1] += 1
        else:
            self.dropped_ephemeral += 1
            counts[0] += 1

    def take(self, max_events: int, ephemeral_max_age: float) -> list[dict[str, Any]]:
        """The next batch, oldest first; ephemeral events older than `ephemeral_max_age` are dropped."""
        now = self._clock()
        batch: list[dict[str, Any]] = []
        while self._queue and len(batch) < max_events:
            queued = self._queue.popleft()
            if not queued.durable and now - queued.queued_at > ephemeral_max_age:
                self.count_drop(queued.event["callId"], False)
                continue
            batch.append(queued.event)
        self.in_flight += len(batch)
        return batch

    def settle(self, count: int) -> None:
        """`count` events that were in flight are acknowledged or given up."""
        self.in_flight = max(0, self.in_flight - count)

    def take_drop_counts(self) -> dict[str, tuple[int, int]]:
        counts = {call: (c[0], c[1]) for call, c in self.dropped_by_call.items() if c[0] or c[1]}
        self.dropped_by_call.clear()
        return counts
