"""A test double of the part of `opentelemetry-api` the integration reads (PyPI cannot be reached
here): `opentelemetry.trace.get_current_span().get_span_context()` with `trace_id`, `span_id`,
`trace_flags` and `is_valid`, and a way to make a span current, as the real API's `use_span` does."""
from __future__ import annotations

import contextlib
import contextvars
import sys
import types
from dataclasses import dataclass
from typing import Iterator


@dataclass(frozen=True)
class SpanContext:
    trace_id: int
    span_id: int
    trace_flags: int = 1

    @property
    def is_valid(self) -> bool:
        return self.trace_id != 0 and self.span_id != 0


class Span:
    def __init__(self, context: SpanContext) -> None:
        self._context = context

    def get_span_context(self) -> SpanContext:
        return self._context


INVALID_SPAN = Span(SpanContext(0, 0, 0))
_current: contextvars.ContextVar[Span] = contextvars.ContextVar("current_span", default=INVALID_SPAN)


def get_current_span() -> Span:
    return _current.get()


@contextlib.contextmanager
def use_span(span: Span) -> Iterator[Span]:
    token = _current.set(span)
    try:
        yield span
    finally:
        _current.reset(token)


@contextlib.contextmanager
def installed() -> Iterator[types.ModuleType]:
    """Makes `from opentelemetry import trace` find this double while the block runs."""
    trace = types.ModuleType("opentelemetry.trace")
    for name in ("SpanContext", "Span", "INVALID_SPAN", "get_current_span", "use_span"):
        setattr(trace, name, globals()[name])
    package = types.ModuleType("opentelemetry")
    package.trace = trace  # type: ignore[attr-defined]
    saved = {name: sys.modules.get(name) for name in ("opentelemetry", "opentelemetry.trace")}
    sys.modules["opentelemetry"], sys.modules["opentelemetry.trace"] = package, trace
    try:
        yield trace
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
