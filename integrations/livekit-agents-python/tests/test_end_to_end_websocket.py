"""End to end over the agent WebSocket: the session's events reach a real server, and a supervisor's
guide, take-over, say, hand-back and end reach the session and are acknowledged."""
from __future__ import annotations

import asyncio
import unittest

from switchboard_livekit import Options, attach
from tests import livekit_agents_double as lk
from tests.server_process import ServerTestCase, Supervisor
from tests.support import wait_until

WAIT = 20.0


class EndToEndWebSocketTests(ServerTestCase):
    @classmethod
    def started(cls) -> None:
        cls.supervisor = Supervisor(cls.server)
        cls.supervisor.sign_in()

    async def act(self, call_id: str, action: str, **body: object) -> object:
        return await asyncio.to_thread(self.supervisor.act, call_id, action, **body)

    async def test_a_supervisors_interventions_reach_the_session_and_are_acknowledged(self) -> None:
        options = Options(server_url=self.server.base_url, api_key=self.agent_key, transport="websocket",
                          reconnect_delay_min=0.05, reconnect_delay_max=0.5, shutdown_timeout=10.0)
        session = lk.AgentSession("greeter")
        room = lk.Room("RM_pyWS1", "support-room")
        reporter = await attach(session, lk.JobContext(room), options)
        client = reporter.client
        session.emit("agent_state_changed", lk.AgentStateChangedEvent(old_state="initializing", new_state="listening"))
        session.emit("user_input_transcribed", lk.UserInputTranscribedEvent(transcript="I want to cancel.", is_final=True))
        self.assertTrue(await client.flush(WAIT))
        self.assertEqual("WebSocketTransport", client.statistics.transport)

        await self.act("RM_pyWS1", "guide", text="Offer the loyalty discount first.")
        await wait_until(lambda: any("Offer the loyalty discount first." in (r.instructions or "") for r in session.replies), "the guidance", WAIT)

        await self.act("RM_pyWS1", "takeover")
        await wait_until(lambda: reporter.paused and not session.output.audio_enabled, "the pause", WAIT)
        self.assertTrue(session.input.audio_enabled)
        self.assertTrue(session.auto_reply().interrupted)

        await self.act("RM_pyWS1", "say", text="This is Sam, a supervisor. I can help.")
        await wait_until(lambda: [h.text for h in session.said] == ["This is Sam, a supervisor. I can help."], "the supervisor's words", WAIT)
        session.said[0].finish()

        await self.act("RM_pyWS1", "handback", note="Discount accepted, keep the contract.")
        await wait_until(lambda: not reporter.paused and session.output.audio_enabled, "the hand-back", WAIT)
        self.assertIn("Discount accepted, keep the contract.", session.replies[-1].instructions)

        await self.act("RM_pyWS1", "end")
        await wait_until(lambda: session.shut_down, "the end", WAIT)
        self.assertTrue(await client.flush(WAIT))
        await client.aclose()

        log = await asyncio.to_thread(self.server.get_json, "/api/v1/calls/RM_pyWS1/events?after=0&limit=500", self.viewer_key)
        acks = [e["data"] for e in log["events"] if e["type"] == "command.acked"]
        self.assertEqual(5, len(acks), acks)  # guide, pause, say, resume, end
        self.assertTrue(all(a["ok"] for a in acks), acks)
        agent_lines = [e["data"]["text"] for e in log["events"] if e["type"] == "transcript.final" and e["data"]["speaker"] == "customer"]
        self.assertEqual(["I want to cancel."], agent_lines)
        self.assertEqual(1, len([e for e in log["events"] if e["type"] == "call.ended"]))
        self.assertEqual(0, client.statistics.refused)

    async def test_a_command_sent_while_the_agent_was_away_arrives_when_it_connects(self) -> None:
        from switchboard_livekit import SwitchboardClient
        first = SwitchboardClient(Options(server_url=self.server.base_url, api_key=self.agent_key, transport="http"))
        first.report("RM_pyWS2", "call.started", {})
        self.assertTrue(await first.flush(WAIT))
        await first.aclose()
        answer = await self.act("RM_pyWS2", "guide", text="Check the outage map.")
        self.assertFalse(answer["delivered"])  # nobody serves the call: it waits on the server

        session = lk.AgentSession()
        reporter = await attach(session, lk.JobContext(lk.Room("RM_pyWS2", "r")), Options(
            server_url=self.server.base_url, api_key=self.agent_key, transport="websocket", reconnect_delay_min=0.05, reconnect_delay_max=0.5))
        try:
            await wait_until(lambda: any("Check the outage map." in (r.instructions or "") for r in session.replies), "the pending guidance", WAIT)
        finally:
            await reporter.client.aclose()

    async def test_ask_supervisor_with_nobody_online_hears_so_at_once(self) -> None:
        from switchboard_livekit import NOBODY_AVAILABLE
        session = lk.AgentSession()
        reporter = await attach(session, lk.JobContext(lk.Room("RM_pyWS4", "r")), Options(
            server_url=self.server.base_url, api_key=self.agent_key, transport="websocket", reconnect_delay_min=0.05, reconnect_delay_max=0.5))
        try:
            # No supervisor has a stream open, so the help queue answers no_supervisor by push.
            result = await asyncio.wait_for(reporter.ask_supervisor("Can we waive the late fee?", topic="billing", timeout=60), WAIT)
            self.assertEqual(NOBODY_AVAILABLE, result)
            self.assertEqual(["One moment please, I'm checking with a colleague."], [h.text for h in session.said])
            self.assertTrue(await reporter.client.flush(WAIT))
            log = await asyncio.to_thread(self.server.get_json, "/api/v1/calls/RM_pyWS4/events?after=0", self.viewer_key)
            types = [e["type"] for e in log["events"]]
            self.assertIn("escalation.requested", types)
            self.assertIn("command.acked", types)
        finally:
            await reporter.client.aclose()

    async def test_a_refused_upgrade_falls_back_to_http_batches(self) -> None:
        from switchboard_livekit import SwitchboardClient
        # The server answers an upgrade on an API path that is not the socket's with 404 (a path outside
        # /api would be answered by the dashboard with its page), like a proxy
        # that does not pass WebSockets; auto mode then sends HTTP batches.
        client = SwitchboardClient(Options(server_url=self.server.base_url + "/api/v1/not-here", api_key=self.agent_key, transport="auto",
                                           reconnect_delay_min=0.05, reconnect_delay_max=0.2, shutdown_timeout=0.5))
        try:
            client.report("RM_pyWS3", "agent.state", {"state": "idle"})
            await wait_until(lambda: client.statistics.transport == "HttpTransport", "the fallback to HTTP", WAIT)
        finally:
            await client.aclose()


if __name__ == "__main__":
    unittest.main()
