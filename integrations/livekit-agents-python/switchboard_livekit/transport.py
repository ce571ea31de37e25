"""How batches reach the server: WebSocket (aiohttp, where installed) or HTTP batches (standard library)."""
from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable

from . import wire


@dataclass(frozen=True)
class SendFailed:
    """Nothing is known to be stored: resend the same batch after a reconnect."""
    reason: str
    retry: bool = True


class UpgradeRefused(Exception):
    """The server or a proxy answered the WebSocket upgrade with a plain HTTP status."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the WebSocket upgrade was answered with {status}")
        self.status = status


class Transport:
    """What the sender needs: send a batch and learn its outcome; receive commands where possible."""

    supports_commands = False

    def __init__(self) -> None:
        self.on_command: Callable[[wire.Command], None] = lambda command: None

    async def connect(self) -> None:
        """Opens the connection; raises when the server cannot be reached."""

    async def subscribe(self, call_ids: list[str]) -> None:
        """Asks for the commands of these calls (no-op where commands cannot arrive)."""

    async def send(self, events: list[dict[str, Any]]) -> wire.Ack | wire.Rejected | SendFailed:
        raise NotImplementedError

    async def close(self) -> None:
        """Closes the connection."""


class HttpTransport(Transport):
    """`POST /api/v1/events` with urllib, run on a worker thread so the event loop never waits."""

    def __init__(self, server_url: str, api_key: str, timeout: float = 30.0) -> None:
        super().__init__()
        self._url = server_url.rstrip("/") + "/api/v1/events"
        self._api_key = api_key
        self._timeout = timeout

    async def send(self, events: list[dict[str, Any]]) -> wire.Ack | wire.Rejected | SendFailed:
        body = wire.encode(wire.http_batch(events)).encode("utf-8")
        return await asyncio.to_thread(self._post, body)

    def _post(self, body: bytes) -> wire.Ack | wire.Rejected | SendFailed:
        request = urllib.request.Request(self._url, data=body, method="POST", headers={
            "Authorization": f"Bearer {self._api_key}", "Content-Type": "application/json",
        })
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as answer:
                return wire.parse_http_ack(json.loads(answer.read().decode("utf-8")))
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            if error.code in (400, 413):
                try:
                    return wire.Rejected(ref=None, problem=wire.parse_problem(json.loads(text)))
                except (ValueError, wire.ProtocolError):
                    return wire.Rejected(ref=None, problem=wire.Problem(None, error.code, None, text))
            return SendFailed(f"HTTP {error.code}: {text[:200]}")
        except (OSError, ValueError, wire.ProtocolError) as error:
            return SendFailed(f"{type(error).__name__}: {error}")


class WebSocketTransport(Transport):
    """`GET /api/v1/agent/ws` with aiohttp (a dependency of livekit-agents): batches, acks, commands."""

    supports_commands = True

    def __init__(self, server_url: str, api_key: str, ack_timeout: float = 30.0) -> None:
        super().__init__()
        import aiohttp  # noqa: F401  (fails here, not mid-call, where aiohttp is missing)

        url = server_url.rstrip("/")
        self._url = ("wss://" + url[8:] if url.startswith("https://") else "ws://" + url.removeprefix("http://")) + "/api/v1/agent/ws"
        self._api_key = api_key
        self._ack_timeout = ack_timeout
        self._session: Any = None
        self._socket: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self._next_ref = 0

    async def connect(self) -> None:
        import aiohttp

        await self.close()
        self._session = aiohttp.ClientSession()
        try:
            self._socket = await self._session.ws_connect(self._url, headers={"Authorization": f"Bearer {self._api_key}"}, heartbeat=None)
        except aiohttp.WSServerHandshakeError as error:
            await self.close()
            raise UpgradeRefused(error.status) from None
        except BaseException:
            await self.close()
            raise
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        import aiohttp

        socket = self._socket
        try:
            async for message in socket:
                if message.type != aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    frame = wire.parse_socket_frame(message.data)
                except wire.ProtocolError:
                    continue
                if isinstance(frame, wire.Command):
                    self.on_command(frame)
                elif isinstance(frame, (wire.Ack, wire.Rejected)):
                    waiter = self._waiting.pop(frame.ref, None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(frame)
        finally:
            for waiter in self._waiting.values():
                if not waiter.done():
                    waiter.set_result(SendFailed("the connection closed"))
            self._waiting.clear()

    async def subscribe(self, call_ids: list[str]) -> None:
        if self._socket is not None and call_ids:
            await self._socket.send_str(wire.encode(wire.socket_subscribe(call_ids)))

    async def send(self, events: list[dict[str, Any]]) -> wire.Ack | wire.Rejected | SendFailed:
        if self._socket is None or self._socket.closed:
            return SendFailed("not connected")
        self._next_ref += 1
        ref = self._next_ref
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[ref] = waiter
        try:
            await self._socket.send_str(wire.encode(wire.socket_batch(ref, events)))
            return await asyncio.wait_for(waiter, self._ack_timeout)
        except (asyncio.TimeoutError, OSError, RuntimeError) as error:
            await self.close()
            return SendFailed(f"{type(error).__name__}: {error}")
        finally:
            self._waiting.pop(ref, None)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None
        if self._session is not None:
            await self._session.close()
            self._session = None


def websocket_available() -> bool:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        return False
    return True
