"""The shared protocol conformance vectors (tests/protocol-vectors/*.json at the repository root),
read as tests/protocol-vectors/README.md defines them.

- Server-to-client frames are parsed with the client's own parser; a valid one must parse, an
  invalid one must be refused (the client ignores it and goes on). What the client derives is
  compared with `expect`: for acknowledgements the ids acknowledged, their seqs and the
  duplicates; for a refused batch or a problem, the indexes of the events to drop and whether the
  batch is resent unchanged (`retry`); for a command, its fields and the acknowledgement the
  client reports after carrying it out on a session (the session double of this directory).
- Client-to-server frames: a valid one passes the client's own checks and its encoder produces
  exactly that JSON; of an invalid one, the client refuses at least the events `invalidEvents`
  names, or the whole when it names none. The rest of `expect` is the server's answer, which the
  server's own vector tests check.
"""
from __future__ import annotations

import json
import tempfile
import unittest
from pathlib import Path
from typing import Any

from switchboard_livekit import wire

VECTORS = Path(__file__).resolve().parents[3] / "tests" / "protocol-vectors"
_MISSING = object()


def load_vectors(directory: Path) -> list[tuple[str, dict[str, Any]]]:
    return [(path.name, json.loads(path.read_text(encoding="utf-8"))) for path in sorted(directory.glob("*.json"))]


def _view(parsed: Any) -> dict[str, Any]:
    """The parsed frame under its wire names."""
    if isinstance(parsed, wire.Ack):
        view: dict[str, Any] = {
            "op": "ack",
            "results": [{"id": r.id, "callId": r.call_id, "seq": r.seq, "duplicate": r.duplicate} for r in parsed.results],
            "acknowledged": [r.id for r in parsed.results],
            "seqs": [r.seq for r in parsed.results],
            "duplicates": [r.id for r in parsed.results if r.duplicate],
        }
        if parsed.ref is not None:
            view["ref"] = parsed.ref
        return view
    if isinstance(parsed, wire.Rejected):
        problem = _view(parsed.problem)
        return {"op": "rejected", "ref": parsed.ref, "problem": problem, "invalidIndexes": problem["invalidIndexes"], "retry": problem["retry"]}
    if isinstance(parsed, wire.Command):
        command = {"commandId": parsed.command_id, "callId": parsed.call_id, "type": parsed.type, "data": parsed.data}
        return {"op": "command", "command": command, **command}
    if isinstance(parsed, wire.Problem):
        return {"type": parsed.type, "status": parsed.status, "title": parsed.title, "detail": parsed.detail,
                "invalidEvents": [{"index": i.index, "id": i.id, "field": i.field, "message": i.message} for i in parsed.invalid_events],
                "invalidIndexes": [i.index for i in parsed.invalid_events], "retry": wire.should_retry(parsed.status)}
    if isinstance(parsed, wire.Pong):
        return {"op": "pong", "ref": parsed.ref}
    raise TypeError(type(parsed))


def _lookup(value: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _parse_server_frame(kind: str, raw: Any) -> Any:
    if kind == "socket-ack":
        parsed = wire.parse_socket_frame(raw)
        if not isinstance(parsed, (wire.Ack, wire.Rejected)):
            raise wire.ProtocolError(f"not an ack: {type(parsed).__name__}")
        return parsed
    if kind == "socket-command":
        parsed = wire.parse_socket_frame(raw)
        if not isinstance(parsed, wire.Command):
            raise wire.ProtocolError(f"not a command: {type(parsed).__name__}")
        return parsed
    if kind == "http-ack":
        return wire.parse_http_ack(raw)
    if kind == "problem":
        return wire.parse_problem(raw)
    raise ValueError(f"unknown server-to-client frame {kind!r}")


def _client_refusals(kind: str, raw: Any) -> tuple[list[str], set[int]]:
    """What the client would refuse in this frame: problems of the whole, and refused event indexes."""
    if not isinstance(raw, dict) or not isinstance(raw.get("events"), list):
        return ["the frame has no events array"], set()
    whole = []
    if kind == "socket-batch" and (raw.get("op") != "events" or not isinstance(raw.get("ref"), str) or not raw.get("ref")):
        whole.append("a socket batch needs op 'events' and a string ref")
    events = raw["events"]
    if not events:
        whole.append("the batch is empty")
    if len(events) > wire.MAX_BATCH_EVENTS:
        whole.append(f"more than {wire.MAX_BATCH_EVENTS} events")
    if len(wire.encode(raw).encode("utf-8")) > wire.MAX_BATCH_BYTES:
        whole.append("larger than 1 MiB")
    bad = {index for index, event in enumerate(events) if wire.validate_event(event)}
    return whole, bad


def _reencode(kind: str, raw: dict[str, Any]) -> Any:
    events = [wire.make_event(e["id"], e["callId"], e["type"], e["at"], e.get("data", {})) for e in raw["events"]]
    return wire.http_batch(events) if kind == "http-batch" else wire.socket_batch(raw["ref"], events)


def check_vector(vector: dict[str, Any]) -> list[str]:
    """Every way this client disagrees with the vector (empty when it conforms)."""
    kind, direction, raw, valid = vector.get("frame"), vector.get("direction"), vector.get("json"), vector.get("valid")
    expect = vector.get("expect") or {}
    if not isinstance(valid, bool):
        return ["the vector has no boolean 'valid'"]
    failures: list[str] = []
    if direction == "server-to-client":
        try:
            parsed = _parse_server_frame(kind, raw)
        except wire.ProtocolError as error:
            return [] if not valid else [f"the client refused a valid frame: {error}"]
        if not valid:
            return ["the client accepted a frame the vector calls invalid"]
        view = _view(parsed)
        for path, wanted in expect.items():
            if path == "ack" and kind == "socket-command":
                continue  # the acknowledgement after carrying the command out: checked on a session
            found = _lookup(view, path)
            if found is _MISSING:
                found = _lookup(raw, path)
            if found is _MISSING:
                failures.append(f"expect.{path}: not found in the parsed frame")
            elif found != wanted:
                failures.append(f"expect.{path}: the client read {found!r}, the vector expects {wanted!r}")
        return failures
    if direction == "client-to-server" and kind in ("http-batch", "socket-batch"):
        whole, bad = _client_refusals(kind, raw)
        wanted_bad = set(expect.get("invalidIndexes", [])) | {i["index"] for i in expect.get("invalidEvents", []) if isinstance(i, dict) and "index" in i}
        if valid:
            if whole or bad:
                failures.append(f"the client would refuse a valid frame: {whole} events {sorted(bad)}")
            elif _reencode(kind, raw) != raw:
                failures.append("the client's encoder produces different JSON for these events")
        else:
            if not whole and not bad:
                failures.append("the client would send a frame the vector calls invalid")
            if wanted_bad and not wanted_bad <= bad:
                failures.append(f"the client does not refuse events {sorted(wanted_bad - bad)}")
        return failures
    return [f"unknown frame {kind!r} in direction {direction!r}"]


class CommandAcknowledgementVectorTests(unittest.IsolatedAsyncioTestCase):
    async def test_every_command_vector_is_carried_out_and_acknowledged_as_the_vector_says(self) -> None:
        from tests.support import attached, wait_until
        vectors = [(n, v) for n, v in (load_vectors(VECTORS) if VECTORS.is_dir() else []) if v.get("frame") == "socket-command" and v.get("valid")]
        if not vectors:
            self.skipTest(f"no command vectors found in {VECTORS}")
        for name, vector in vectors:
            with self.subTest(vector=name):
                wanted = vector["expect"]["ack"]
                reporter, _session, _room, transport, client = await attached(call_id=wanted["callId"])
                try:
                    self.assertTrue(await client.flush(5.0), "the session's first reports were not sent")  # connected: commands arrive
                    transport.on_command(wire.parse_socket_frame(wire.encode(vector["json"])))
                    await wait_until(lambda: any(e["id"] == wanted["id"] for e in transport.events), f"the acknowledgement of {name}")
                    ack = next(e for e in transport.events if e["id"] == wanted["id"])
                    self.assertEqual((wanted["callId"], wanted["type"]), (ack["callId"], ack["type"]))
                    self.assertEqual(wanted["data"], {k: ack["data"][k] for k in wanted["data"]}, vector["description"])
                finally:
                    await client.aclose()


class ProtocolVectorTests(unittest.TestCase):
    def test_the_client_conforms_to_every_shared_vector(self) -> None:
        vectors = load_vectors(VECTORS) if VECTORS.is_dir() else []
        if not vectors:
            self.skipTest(f"no protocol vectors found in {VECTORS}")
        for name, vector in vectors:
            with self.subTest(vector=name):
                self.assertEqual([], check_vector(vector), vector.get("description"))

    def test_an_empty_vector_directory_yields_no_vectors(self) -> None:
        with tempfile.TemporaryDirectory() as empty:
            self.assertEqual([], load_vectors(Path(empty)))

    def test_the_runner_catches_a_client_that_disagrees(self) -> None:
        command = {"op": "command", "command": {"commandId": "c1", "callId": "RM_1", "type": "guide", "data": {"text": "Hi", "by": "sam"}}}
        self.assertEqual([], check_vector({"frame": "socket-command", "direction": "server-to-client", "json": command, "valid": True, "expect": {"type": "guide", "data.text": "Hi"}}))
        self.assertEqual(["expect.data.text: the client read 'Hi', the vector expects 'Bye'"],
                         check_vector({"frame": "socket-command", "direction": "server-to-client", "json": command, "valid": True, "expect": {"data.text": "Bye"}}))
        self.assertEqual(["expect.nothing.here: not found in the parsed frame"],
                         check_vector({"frame": "socket-command", "direction": "server-to-client", "json": command, "valid": True, "expect": {"nothing.here": 1}}))
        self.assertEqual(["the client accepted a frame the vector calls invalid"],
                         check_vector({"frame": "socket-command", "direction": "server-to-client", "json": command, "valid": False}))
        good = wire.make_event("e1", "RM_1", "agent.state", "2026-01-01T00:00:00.000Z", {"state": "idle"})
        self.assertEqual(["the client would send a frame the vector calls invalid"],
                         check_vector({"frame": "http-batch", "direction": "client-to-server", "json": {"events": [good]}, "valid": False}))
        self.assertEqual([], check_vector({"frame": "http-batch", "direction": "client-to-server", "json": {"events": [good, dict(good, type="supervisor.guidance")]}, "valid": False, "expect": {"invalidIndexes": [1]}}))


if __name__ == "__main__":
    unittest.main()
