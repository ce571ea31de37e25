"""The session never waits for Switchboard: a bounded buffer, counted drops, resend after failures."""
from __future__ import annotations

import asyncio
import random
import unittest

from switchboard_livekit import SwitchboardClient, wire
from switchboard_livekit.buffer import EventBuffer
from switchboard_livekit.client import backoff_delay
from tests import livekit_agents_double as lk
from tests.support import RecordingTransport, attached, fast_options, of_type, wait_until


def event(n: int, event_type: str = "agent.state", call_id: str = "RM_b") -> dict:
    data = {"state": "listening"} if event_type == "agent.state" else {"speaker": "customer", "segmentId": f"s{n}", "text": "x"}
    return wire.make_event(f"e{n}", call_id, event_type, "2026-01-01T00:00:00.000Z", data)


class EventBufferTests(unittest.TestCase):
    def test_when_full_the_oldest_ephemeral_event_goes_first_and_the_new_one_is_kept(self) -> None:
        buffer = EventBuffer(3)
        buffer.put(event(1))
        buffer.put(event(2, "transcript.interim"))
        buffer.put(event(3))
        buffer.put(event(4))
        self.assertEqual(["e1", "e3", "e4"], [e["id"] for e in buffer.take(10, 60.0)])
        self.assertEqual((1, 0), (buffer.dropped_ephemeral, buffer.dropped_durable))

    def test_without_ephemeral_events_the_oldest_durable_one_goes(self) -> None:
        buffer = EventBuffer(2)
        for n in (1, 2, 3):
            buffer.put(event(n))
        self.assertEqual(["e2", "e3"], [e["id"] for e in buffer.take(10, 60.0)])
        self.assertEqual({"RM_b": (0, 1)}, buffer.take_drop_counts())
        self.assertEqual({}, buffer.take_drop_counts())

    def test_events_in_flight_count_against_the_capacity(self) -> None:
        buffer = EventBuffer(2)
        buffer.put(event(1))
        buffer.take(10, 60.0)
        buffer.put(event(2))
        buffer.put(event(3))
        self.assertEqual(1, buffer.dropped_durable)
        buffer.settle(1)
        buffer.put(event(4))
        self.assertEqual(1, buffer.dropped_durable)

    def test_stale_ephemeral_events_are_dropped_when_they_could_finally_be_sent(self) -> None:
        now = [0.0]
        buffer = EventBuffer(10, clock=lambda: now[0])
        buffer.put(event(1, "transcript.interim"))
        buffer.put(event(2))
        now[0] = 11.0
        self.assertEqual(["e2"], [e["id"] for e in buffer.take(10, 10.0)])
        self.assertEqual(1, buffer.dropped_ephemeral)

    def test_reconnect_delays_grow_within_bounds(self) -> None:
        rng = random.Random(7)
        for attempt, ceiling in ((0, 0.25), (1, 0.5), (3, 2.0), (20, 30.0)):
            delay = backoff_delay(attempt, 0.25, 30.0, rng)
            self.assertTrue(ceiling / 2 <= delay <= ceiling, (attempt, delay))


class DeliveryTests(unittest.IsolatedAsyncioTestCase):
    async def test_reports_return_at_once_while_the_server_does_not_answer_and_drops_are_reported_later(self) -> None:
        reporter, session, room, transport, client = await attached("RM_slow", max_queued_events=20, max_batch_events=5)
        try:
            transport.hold.clear()  # the server is stuck: nothing is acknowledged
            for n in range(100):
                session.emit("user_input_transcribed", lk.UserInputTranscribedEvent(transcript=f"word {n}", is_final=False))
            self.assertLessEqual(client.queued, 20)
            self.assertGreater(client.dropped_ephemeral, 0)
            self.assertEqual(0, client.dropped_durable)
            transport.hold.set()
            self.assertTrue(await client.flush(5.0))
            dropped = of_type(transport, "x-sdk.dropped")
            # Reporting the gap may itself push out one more interim line, reported in turn: the sum is the gap.
            self.assertGreaterEqual(len(dropped), 1)
            self.assertEqual(client.dropped_ephemeral, sum(e["data"]["ephemeral"] for e in dropped))
            self.assertEqual(0, sum(e["data"]["durable"] for e in dropped))
            self.assertEqual("word 99", of_type(transport, "transcript.interim")[-1]["data"]["text"])
        finally:
            await client.aclose()

    async def test_a_failed_batch_is_resent_with_the_same_ids_before_anything_newer(self) -> None:
        transport = RecordingTransport()
        transport.fail_next = 2
        client = SwitchboardClient(fast_options(), transport=transport)
        try:
            client.report("RM_r", "agent.state", {"state": "listening"})
            client.report("RM_r", "agent.state", {"state": "thinking"})
            self.assertTrue(await client.flush(5.0))
            client.report("RM_r", "agent.state", {"state": "speaking"})
            self.assertTrue(await client.flush(5.0))
            self.assertEqual(["listening", "thinking", "speaking"], [e["data"]["state"] for e in transport.events])
            self.assertGreaterEqual(client.statistics.reconnects, 2)
            self.assertEqual(3, client.statistics.acknowledged)
        finally:
            await client.aclose()

    async def test_an_event_reported_inside_an_opentelemetry_span_carries_its_traceparent(self) -> None:
        from switchboard_livekit import wire
        from tests import opentelemetry_api_double as otel

        transport = RecordingTransport()
        client = SwitchboardClient(fast_options(), transport=transport)
        wire._otel_trace = None  # looked up again with the double installed
        try:
            with otel.installed() as trace:
                turn = trace.Span(trace.SpanContext(0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x00F067AA0BA902B7, 1))
                with trace.use_span(turn):
                    client.report("RM_o", "agent.state", {"state": "thinking"}, event_id="in-span")
                client.report("RM_o", "agent.state", {"state": "speaking"}, event_id="outside")
                self.assertTrue(await client.flush(5.0))
            sent = {e["id"]: e for e in transport.events}
            self.assertEqual("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", sent["in-span"]["traceparent"])
            self.assertNotIn("traceparent", sent["outside"])
        finally:
            wire._otel_trace = None
            await client.aclose()

    async def test_events_the_server_refuses_are_dropped_and_counted_and_the_rest_resent(self) -> None:
        transport = RecordingTransport()
        client = SwitchboardClient(fast_options(), transport=transport)
        try:
            transport.hold.clear()
            transport.reject_indexes = {1}
            for state in ("listening", "thinking", "speaking"):
                client.report("RM_x", "agent.state", {"state": state})
            transport.hold.set()
            self.assertTrue(await client.flush(5.0))
            self.assertEqual(["listening", "speaking"], [e["data"]["state"] for e in transport.events])
            self.assertEqual(1, client.statistics.refused)
        finally:
            await client.aclose()

    async def test_an_invalid_report_is_dropped_before_queueing(self) -> None:
        transport = RecordingTransport()
        client = SwitchboardClient(fast_options(), transport=transport)
        try:
            client.report("RM_v", "agent.state", {"state": "dancing"})
            client.report("RM_v", "supervisor.guidance", {"commandId": "c", "text": "t", "by": "me"})
            self.assertEqual((0, 2), (client.queued, client.statistics.refused))
        finally:
            await client.aclose()

    async def test_a_quiet_call_gets_heartbeats_until_it_ends(self) -> None:
        reporter, session, room, transport, client = await attached("RM_hb", heartbeat_interval=0.1)
        try:
            await wait_until(lambda: len(of_type(transport, "agent.heartbeat")) >= 2, "two heartbeats")
            session.emit("close", lk.CloseEvent(reason=lk.CloseReason.JOB_SHUTDOWN))
            self.assertTrue(await client.flush(5.0))
            count = len(of_type(transport, "agent.heartbeat"))
            await asyncio.sleep(0.3)  # three intervals: a heartbeat would have come
            self.assertEqual(count, len(of_type(transport, "agent.heartbeat")))
        finally:
            await client.aclose()

    def test_options_are_validated_with_every_problem_at_once(self) -> None:
        from switchboard_livekit import Options
        with self.assertRaises(ValueError) as raised:
            SwitchboardClient(Options(server_url="ftp://x", api_key="", max_batch_events=0))
        message = str(raised.exception)
        for part in ("server_url", "api_key", "max_batch_events"):
            self.assertIn(part, message)


if __name__ == "__main__":
    unittest.main()
