"""End to end: a scripted session's events reach a real Switchboard server over HTTP batches
(the standard-library transport) and appear in the call's log in the order they happened."""
from __future__ import annotations

import unittest

from switchboard_livekit import Options, attach, wire
from tests import livekit_agents_double as lk
from tests.server_process import ServerTestCase



class EndToEndHttpTests(ServerTestCase):

    async def test_a_scripted_sessions_events_are_in_the_calls_log_in_order(self) -> None:
        options = Options(server_url=self.server.base_url, api_key=self.agent_key, transport="http", agent_name="support",
                          reconnect_delay_min=0.05, reconnect_delay_max=0.5, shutdown_timeout=10.0)
        session = lk.AgentSession("greeter")
        room = lk.Room("RM_pyE2E1", "support-room")
        room.remote_participants["caller-1"] = lk.Participant("caller-1", kind=lk.ParticipantKind.SIP)
        reporter = await attach(session, lk.JobContext(room), options)
        client = reporter.client

        session.emit("agent_state_changed", lk.AgentStateChangedEvent(old_state="initializing", new_state="listening"))
        session.emit("user_input_transcribed", lk.UserInputTranscribedEvent(transcript="is there an", is_final=False))
        session.emit("user_input_transcribed", lk.UserInputTranscribedEvent(transcript="Is there an outage?", is_final=True))
        session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=lk.ChatMessage(role="user", content=["Is there an outage?"], metrics={"end_of_turn_delay": 0.4})))
        session.emit("agent_state_changed", lk.AgentStateChangedEvent(old_state="listening", new_state="thinking"))
        call = lk.FunctionCall(call_id="call_1", arguments='{"region":"north-7"}', name="check_outages")
        session.emit("function_tools_executed", lk.FunctionToolsExecutedEvent(function_calls=[call], function_call_outputs=[lk.FunctionCallOutput(call_id="call_1", output="none", is_error=False)]))
        session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=lk.AgentHandoff(old_agent_id="greeter", new_agent_id="billing")))
        session.emit("agent_state_changed", lk.AgentStateChangedEvent(old_state="thinking", new_state="speaking"))
        session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=lk.ChatMessage(role="assistant", content=["No outage in your area."], metrics={"llm_node_ttft": 0.3, "e2e_latency": 0.9})))
        session.emit("close", lk.CloseEvent(reason=lk.CloseReason.PARTICIPANT_DISCONNECTED))
        self.assertTrue(await client.flush(30.0), "the server did not acknowledge everything within 30 s")
        await client.aclose()
        self.assertEqual(0, client.statistics.refused)

        log = self.server.get_json("/api/v1/calls/RM_pyE2E1/events?after=0&limit=500", self.viewer_key)
        # The server adds its own events (sentiment.scored of each line): the agent's are compared.
        events = [e for e in log["events"] if e["type"] not in wire.SERVER_TYPES]
        self.assertEqual(
            ["call.started", "participant.joined", "participant.joined", "agent.state", "transcript.final", "agent.state",
             "tool.called", "tool.result", "agent.handoff", "agent.state", "transcript.final", "metrics.turn", "call.ended"],
            [e["type"] for e in events])
        seqs = [e["seq"] for e in events]
        self.assertEqual(sorted(set(seqs)), seqs)
        self.assertEqual(1, seqs[0])
        self.assertEqual(["customer", "agent"], [e["data"]["speaker"] for e in events if e["type"] == "transcript.final"])
        self.assertEqual("caller_hangup", events[-1]["data"]["reason"])
        self.assertEqual({"from": "greeter", "to": "billing"}, {k: events[8]["data"][k] for k in ("from", "to")})
        metrics = events[11]["data"]
        self.assertEqual((400, 300, 900), (metrics["endOfUtteranceMs"], metrics["llmTtftMs"], metrics["e2eMs"]))

    async def test_an_event_the_server_refuses_is_counted_and_the_rest_is_stored(self) -> None:
        from switchboard_livekit import SwitchboardClient
        client = SwitchboardClient(Options(server_url=self.server.base_url, api_key=self.agent_key, transport="http"))
        # Valid for the client's own checks, refused by the server: a text longer than the limit of
        # reasons (2,000 characters) in call.ended's detail.
        client.report("RM_pyE2E2", "agent.state", {"state": "listening"})
        client.report("RM_pyE2E2", "call.ended", {"reason": "completed", "detail": "x" * 2500})
        client.report("RM_pyE2E2", "agent.state", {"state": "idle"})
        self.assertTrue(await client.flush(30.0))
        await client.aclose()
        log = self.server.get_json("/api/v1/calls/RM_pyE2E2/events?after=0", self.viewer_key)
        self.assertEqual(["listening", "idle"], [e["data"]["state"] for e in log["events"] if e["type"] == "agent.state"])
        self.assertNotIn("call.ended", [e["type"] for e in log["events"]])
        self.assertEqual(1, client.statistics.refused)

    def test_a_wrong_key_is_not_retried_as_a_refusal(self) -> None:
        from switchboard_livekit import HttpTransport, SendFailed
        import asyncio
        transport = HttpTransport(self.server.base_url, "sbk_wrong")
        outcome = asyncio.run(transport.send([wire.make_event("e1", "RM_pyE2E3", "agent.state", "2026-01-01T00:00:00Z", {"state": "idle"})]))
        self.assertIsInstance(outcome, SendFailed)
        self.assertIn("401", outcome.reason)


if __name__ == "__main__":
    unittest.main()
