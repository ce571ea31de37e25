"""Switchboard supervision for LiveKit Agents (livekit-agents 1.x, Python)."""
from .client import Options, Statistics, SwitchboardClient
from .control import NOBODY_AVAILABLE, TIMED_OUT, SupervisorControl
from .session import SessionReporter, attach
from .transport import HttpTransport, SendFailed, Transport, WebSocketTransport

__all__ = ["attach", "Options", "SessionReporter", "SwitchboardClient", "Statistics", "Transport",
           "HttpTransport", "WebSocketTransport", "SendFailed", "NOBODY_AVAILABLE", "TIMED_OUT",
           "SupervisorControl"]
