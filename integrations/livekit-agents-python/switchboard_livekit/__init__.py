"""Switchboard supervision for LiveKit Agents (livekit-agents 1.x, Python)."""
from .client import Options, Statistics, SwitchboardClient
from .session import NOBODY_AVAILABLE, TIMED_OUT, SessionReporter, attach
from .transport import HttpTransport, SendFailed, Transport, WebSocketTransport

__all__ = ["attach", "Options", "SessionReporter", "SwitchboardClient", "Statistics", "Transport",
           "HttpTransport", "WebSocketTransport", "SendFailed", "NOBODY_AVAILABLE", "TIMED_OUT"]
