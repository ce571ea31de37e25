"""How batches reach the server: the agent WebSocket or HTTP batches, both on the standard library."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import ssl
import struct
import urllib.error
import urllib.parse
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
    """`GET /api/v1/agent/ws` (RFC 6455 client on asyncio streams): batches, acks and commands."""

    supports_commands = True

    def __init__(self, server_url: str, api_key: str, ack_timeout: float = 30.0, connect_timeout: float = 10.0) -> None:
        super().__init__()
        parts = urllib.parse.urlsplit(server_url)
        self._tls = parts.scheme == "https"
        self._host = parts.hostname or "localhost"
        self._port = parts.port or (443 if self._tls else 80)
        self._path = parts.path.rstrip("/") + "/api/v1/agent/ws"
        self._api_key = api_key
        self._ack_timeout = ack_timeout
        self._connect_timeout = connect_timeout
        self._socket: _WebSocket | None = None
        self._reader: asyncio.Task[None] | None = None
        self._waiting: dict[str, asyncio.Future[Any]] = {}
        self._next_ref = 0

    async def connect(self) -> None:
        await self.close()
        self._socket = await asyncio.wait_for(
            _WebSocket.open(self._host, self._port, self._path, self._tls, {"Authorization": f"Bearer {self._api_key}"}),
            self._connect_timeout)
        self._reader = asyncio.get_running_loop().create_task(self._read(self._socket))

    async def _read(self, socket: "_WebSocket") -> None:
        try:
            while (text := await socket.receive_text()) is not None:
                try:
                    frame = wire.parse_socket_frame(text)
                except wire.ProtocolError:
                    continue
                if isinstance(frame, wire.Command):
                    self.on_command(frame)
                elif isinstance(frame, (wire.Ack, wire.Rejected)):
                    waiter = self._waiting.pop(frame.ref, None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(frame)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            socket.closed = True
            for waiter in self._waiting.values():
                if not waiter.done():
                    waiter.set_result(SendFailed("the connection closed"))
            self._waiting.clear()

    async def subscribe(self, call_ids: list[str]) -> None:
        if self._socket is not None and call_ids:
            await self._socket.send_text(wire.encode(wire.socket_subscribe(call_ids)))

    async def send(self, events: list[dict[str, Any]]) -> wire.Ack | wire.Rejected | SendFailed:
        if self._socket is None or self._socket.closed:
            return SendFailed("not connected")
        self._next_ref += 1
        ref = str(self._next_ref)
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[ref] = waiter
        try:
            await self._socket.send_text(wire.encode(wire.socket_batch(ref, events)))
            return await asyncio.wait_for(waiter, self._ack_timeout)
        except (asyncio.TimeoutError, OSError) as error:
            await self.close()
            return SendFailed(f"{type(error).__name__}: {error}")
        finally:
            self._waiting.pop(ref, None)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None
        if self._socket is not None:
            await self._socket.close()
            self._socket = None


class _WebSocket:
    """The client side of RFC 6455, text messages only: masked frames up, ping answered with pong."""

    _GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._lock = asyncio.Lock()
        self.closed = False

    @classmethod
    async def open(cls, host: str, port: int, path: str, tls: bool, headers: dict[str, str]) -> "_WebSocket":
        reader, writer = await asyncio.open_connection(host, port, ssl=ssl.create_default_context() if tls else None)
        key = base64.b64encode(os.urandom(16)).decode("ascii")
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13", *(f"{k}: {v}" for k, v in headers.items())]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ")[1])
        answer = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
        if status != 101:
            writer.close()
            raise UpgradeRefused(status)
        accept = base64.b64encode(hashlib.sha1((key + cls._GUID).encode("ascii")).digest()).decode("ascii")
        if answer.get("sec-websocket-accept") != accept:
            writer.close()
            raise ConnectionError("the server's Sec-WebSocket-Accept does not match")
        return cls(reader, writer)

    async def _send_frame(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        async with self._lock:
            self._writer.write(header + mask + masked)
            await self._writer.drain()

    async def send_text(self, text: str) -> None:
        if self.closed:
            raise ConnectionError("the WebSocket is closed")
        await self._send_frame(0x1, text.encode("utf-8"))

    async def receive_text(self) -> str | None:
        """The next text message, or None once the server closed the connection."""
        parts: list[bytes] = []
        while True:
            first, second = await self._reader.readexactly(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self._reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self._reader.readexactly(8))
            payload = await self._reader.readexactly(length)
            if opcode == 0x8:
                self.closed = True
                return None
            if opcode == 0x9:
                await self._send_frame(0xA, payload)
                continue
            if opcode in (0x1, 0x0):
                parts.append(payload)
                if first & 0x80:
                    return b"".join(parts).decode("utf-8")

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            try:
                await self._send_frame(0x8, struct.pack("!H", 1000))
            except (OSError, RuntimeError):
                pass
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except (OSError, ssl.SSLError):
            pass
