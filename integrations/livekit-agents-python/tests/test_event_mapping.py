"""Each session event of livekit-agents 1.x (1.7.0, voice/events.py) becomes the Switchboard event
docs/PROTOCOL.md names, with the fields the server validates."""
from __future__ import annotations

import json
import unittest

from switchboard_livekit import wire
from tests import livekit_agents_double as lk
from tests.support import attached, of_type, wait_until


class EventMappingTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.reporter, self.session, self.room, self.transport, self.client = await attached("RM_map1", agent_name="support")

    async def asyncTearDown(self) -> None:
        await self.client.aclose()

    async def flushed(self) -> None:
        self.assertTrue(await self.client.flush(5.0), "flush timed out")

    async def test_the_room_sid_is_the_call_id_and_the_call_starts_with_its_participants(self) -> None:
        await self.flushed()
        started = of_type(self.transport, "call.started")
        self.assertEqual(1, len(started))
        self.assertEqual("RM_map1", started[0]["callId"])
        self.assertEqual({"roomName": "support-room", "roomSid": "RM_map1", "agentName": "support"}, started[0]["data"])
        joined = [(e["data"]["identity"], e["data"]["role"], e["data"].get("kind")) for e in of_type(self.transport, "participant.joined")]
        self.assertEqual([("agent-1", "agent", "agent"), ("caller-1", "customer", "sip")], joined)
        self.assertEqual(["RM_map1"], self.transport.subscribed)

    async def test_the_jobs_room_sid_is_used_where_the_job_carries_it(self) -> None:
        from switchboard_livekit import SwitchboardClient, attach
        from tests.support import RecordingTransport, fast_options
        transport = RecordingTransport()
        client = SwitchboardClient(fast_options(), transport=transport)
        try:
            ctx = lk.JobContext(lk.Room("RM_fromRoom", "r"), job=lk.Job(lk.JobRoom("RM_fromJob")))
            reporter = await attach(lk.AgentSession(), ctx, fast_options(), client=client)
            self.assertEqual("RM_fromJob", reporter.call_id)
        finally:
            await client.aclose()

    async def test_participants_joining_and_leaving_later_are_reported(self) -> None:
        self.room.join(lk.Participant("sup-7", name="Sam"))
        self.room.leave("sup-7")
        await self.flushed()
        self.assertEqual("sup-7", of_type(self.transport, "participant.joined")[-1]["data"]["identity"])
        self.assertEqual({"identity": "sup-7", "role": "customer", "kind": "standard", "name": "Sam"}, of_type(self.transport, "participant.left")[0]["data"])

    async def test_roles_follow_the_switchboard_role_attribute_and_recorders_are_left_out(self) -> None:
        self.room.join(lk.Participant("supervisor-sam", attributes={"switchboard.role": "supervisor"}))
        self.room.join(lk.Participant("dial-out-1", kind=lk.ParticipantKind.SIP, attributes={"switchboard.role": "human_agent"}))
        self.room.join(lk.Participant("someone", attributes={"switchboard.role": "king"}))
        self.room.join(lk.Participant("EG_recorder", kind=lk.ParticipantKind.EGRESS))
        await self.flushed()
        roles = {e["data"]["identity"]: e["data"]["role"] for e in of_type(self.transport, "participant.joined")}
        self.assertEqual({"agent-1": "agent", "caller-1": "customer", "supervisor-sam": "supervisor", "dial-out-1": "human_agent", "someone": "customer"}, roles)

    async def test_agent_state_changes_carry_the_new_state(self) -> None:
        for old, new in (("initializing", "listening"), ("listening", "thinking"), ("thinking", "speaking")):
            self.session.emit("agent_state_changed", lk.AgentStateChangedEvent(old_state=old, new_state=new))
        await self.flushed()
        self.assertEqual(["listening", "thinking", "speaking"], [e["data"]["state"] for e in of_type(self.transport, "agent.state")])

    async def test_interim_and_final_user_transcripts_share_a_segment_with_its_times(self) -> None:
        self.session.emit("user_input_transcribed", lk.UserInputTranscribedEvent(transcript="my internet", is_final=False, created_at=100.0))
        self.session.emit("user_input_transcribed", lk.UserInputTranscribedEvent(transcript="my internet keeps", is_final=False, created_at=100.5))
        self.session.emit("user_input_transcribed", lk.UserInputTranscribedEvent(transcript="My internet keeps dropping.", is_final=True, language="en", created_at=101.25))
        self.session.emit("user_input_transcribed", lk.UserInputTranscribedEvent(transcript="Hello?", is_final=True, created_at=105.0))
        await self.flushed()
        interim = of_type(self.transport, "transcript.interim")
        finals = of_type(self.transport, "transcript.final")
        self.assertEqual(["my internet", "my internet keeps"], [e["data"]["text"] for e in interim])
        self.assertEqual(interim[0]["data"]["segmentId"], finals[0]["data"]["segmentId"])
        self.assertNotEqual(finals[0]["data"]["segmentId"], finals[1]["data"]["segmentId"])
        self.assertEqual({"speaker": "customer", "segmentId": interim[0]["data"]["segmentId"], "text": "My internet keeps dropping.",
                          "language": "en", "startedAt": "1970-01-01T00:01:40.000Z", "endedAt": "1970-01-01T00:01:41.250Z"}, finals[0]["data"])
        self.assertEqual("1970-01-01T00:01:41.250Z", finals[0]["at"])

    async def test_an_assistant_message_is_the_agents_final_transcript_and_closes_the_turns_metrics(self) -> None:
        user = lk.ChatMessage(role="user", content=["Is there an outage?"], metrics={"end_of_turn_delay": 0.48, "transcription_delay": 0.17})
        reply = lk.ChatMessage(role="assistant", content=["No outage in your area."], metrics={
            "started_speaking_at": 200.0, "stopped_speaking_at": 202.5, "llm_node_ttft": 0.43, "tts_node_ttfb": 0.21,
            "e2e_latency": 1.12, "llm_metadata": {"model_name": "gpt-4o-mini", "model_provider": "openai"}})
        self.session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=user))
        self.session.emit("session_usage_updated", lk.SessionUsageUpdatedEvent(usage=lk.AgentSessionUsage([lk.LLMModelUsage("openai", "gpt-4o-mini", input_tokens=1240, output_tokens=18)])))
        self.session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=reply))
        self.session.emit("session_usage_updated", lk.SessionUsageUpdatedEvent(usage=lk.AgentSessionUsage([lk.LLMModelUsage("openai", "gpt-4o-mini", input_tokens=2600, output_tokens=40)])))
        self.session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=lk.ChatMessage(role="assistant", content=["Anything else?"], metrics={"e2e_latency": 0.9})))
        await self.flushed()
        agent_lines = [e for e in of_type(self.transport, "transcript.final") if e["data"]["speaker"] == "agent"]
        self.assertEqual({"speaker": "agent", "segmentId": reply.id, "text": "No outage in your area.",
                          "startedAt": "1970-01-01T00:03:20.000Z", "endedAt": "1970-01-01T00:03:22.500Z"}, agent_lines[0]["data"])
        turns = [e["data"] for e in of_type(self.transport, "metrics.turn")]
        self.assertEqual({"turnId": reply.id, "endOfUtteranceMs": 480, "sttMs": 170, "llmTtftMs": 430, "ttsTtfbMs": 210,
                          "e2eMs": 1120, "promptTokens": 1240, "completionTokens": 18, "model": "gpt-4o-mini"}, turns[0])
        self.assertEqual(1360, turns[1]["promptTokens"])  # the growth of the cumulative usage
        self.assertEqual(22, turns[1]["completionTokens"])

    async def test_legacy_metrics_collected_fill_the_turn_where_chat_messages_carry_none(self) -> None:
        await self.client.aclose()
        self.reporter, self.session, self.room, self.transport, self.client = await attached("RM_map2", legacy_metrics=True)
        self.session.emit("metrics_collected", lk.MetricsCollectedEvent(metrics=lk.EOUMetrics(timestamp=1.0, end_of_utterance_delay=0.5, transcription_delay=0.2, on_user_turn_completed_delay=0.0)))
        self.session.emit("metrics_collected", lk.MetricsCollectedEvent(metrics=lk.LLMMetrics(
            label="openai.LLM", request_id="r1", timestamp=1.0, duration=0.9, ttft=0.4, cancelled=False, completion_tokens=12,
            prompt_tokens=300, prompt_cached_tokens=0, total_tokens=312, tokens_per_second=13.0, metadata=lk.Metadata("gpt-4o"))))
        self.session.emit("metrics_collected", lk.MetricsCollectedEvent(metrics=lk.TTSMetrics(
            label="tts", request_id="r2", timestamp=1.0, ttfb=0.25, duration=1.0, audio_duration=2.0, cancelled=False, characters_count=20, streamed=True)))
        self.session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=lk.ChatMessage(role="assistant", content=["Done."])))
        await self.flushed()
        self.session.emit("session_usage_updated", lk.SessionUsageUpdatedEvent(usage=lk.AgentSessionUsage([lk.LLMModelUsage("openai", "gpt-4o", input_tokens=700, output_tokens=30)])))
        self.session.emit("metrics_collected", lk.MetricsCollectedEvent(metrics=lk.LLMMetrics(
            label="openai.LLM", request_id="r3", timestamp=2.0, duration=0.5, ttft=0.2, cancelled=False, completion_tokens=18,
            prompt_tokens=400, prompt_cached_tokens=0, total_tokens=418, tokens_per_second=13.0)))
        self.session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=lk.ChatMessage(role="assistant", content=["Next."])))
        await self.flushed()
        second = of_type(self.transport, "metrics.turn")[1]["data"]
        self.assertEqual((700, 30), (second["promptTokens"], second["completionTokens"]))  # counted once, from the usage
        turn = of_type(self.transport, "metrics.turn")[0]["data"]
        self.assertEqual({"endOfUtteranceMs": 500, "sttMs": 200, "llmTtftMs": 400, "llmTotalMs": 900, "ttsTtfbMs": 250,
                          "promptTokens": 300, "completionTokens": 12, "model": "gpt-4o"}, {k: v for k, v in turn.items() if k != "turnId"})

    async def test_tool_calls_and_results_carry_arguments_outcome_and_duration(self) -> None:
        ok_call = lk.FunctionCall(call_id="call_1", arguments='{"region":"north-7"}', name="check_outages", created_at=50.0)
        bad_call = lk.FunctionCall(call_id="call_2", arguments="{}", name="book", created_at=50.1)
        self.session.emit("tool_execution_updated", lk.ToolExecutionUpdatedEvent(update=lk.ToolCallStarted(function_call=ok_call)))
        self.session.emit("function_tools_executed", lk.FunctionToolsExecutedEvent(
            function_calls=[ok_call, bad_call],
            function_call_outputs=[lk.FunctionCallOutput(call_id="call_1", output='{"outage":false}', is_error=False, created_at=50.23),
                                   lk.FunctionCallOutput(call_id="call_2", output="calendar unavailable", is_error=True, created_at=50.6)]))
        await self.flushed()
        self.assertEqual(["tool.called", "tool.called", "tool.result", "tool.result"],
                         [t for t in self.transport.types() if t.startswith("tool.")])
        called = of_type(self.transport, "tool.called")
        self.assertEqual({"toolCallId": "call_1", "name": "check_outages", "arguments": {"region": "north-7"}}, called[0]["data"])
        results = [e["data"] for e in of_type(self.transport, "tool.result")]
        self.assertEqual({"toolCallId": "call_1", "name": "check_outages", "ok": True, "result": '{"outage":false}', "durationMs": 230}, results[0])
        self.assertEqual({"toolCallId": "call_2", "name": "book", "ok": False, "error": "calendar unavailable", "durationMs": 500}, results[1])

    async def test_a_handoff_names_the_agents_and_changes_the_persona(self) -> None:
        self.session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=lk.AgentHandoff(old_agent_id="greeter", new_agent_id="billing")))
        await self.flushed()
        self.assertEqual({"from": "greeter", "to": "billing"}, of_type(self.transport, "agent.handoff")[0]["data"])

    async def test_an_error_is_kept_in_the_log_as_a_custom_event(self) -> None:
        self.session.emit("error", lk.ErrorEvent(error=lk.LLMError(error=RuntimeError("rate limited"), recoverable=True), source=lk.LLM()))
        await self.flushed()
        self.assertEqual({"message": "rate limited", "source": "LLM", "recoverable": True}, of_type(self.transport, "x-livekit.error")[0]["data"])

    async def test_close_ends_the_call_once_with_the_mapped_reason(self) -> None:
        self.session.emit("close", lk.CloseEvent(reason=lk.CloseReason.PARTICIPANT_DISCONNECTED))
        self.session.emit("close", lk.CloseEvent(reason=lk.CloseReason.ERROR))
        await self.flushed()
        self.assertEqual([{"reason": "caller_hangup"}], [e["data"] for e in of_type(self.transport, "call.ended")])
        self.assertEqual(0, self.session.listeners("agent_state_changed"))

    async def test_every_event_sent_passes_the_protocols_validation(self) -> None:
        self.session.emit("user_input_transcribed", lk.UserInputTranscribedEvent(transcript="hi", is_final=True))
        self.session.emit("close", lk.CloseEvent(reason=lk.CloseReason.ERROR, error="stt failed"))
        await self.flushed()
        for event in self.transport.events:
            self.assertEqual([], wire.validate_event(event), json.dumps(event))
        self.assertEqual(len(self.transport.events), len({e["id"] for e in self.transport.events}))

    async def test_a_failing_listener_never_reaches_the_session(self) -> None:
        self.session.emit("function_tools_executed", object())  # not an event at all
        self.session.emit("agent_state_changed", lk.AgentStateChangedEvent(old_state="idle", new_state="listening"))
        await wait_until(lambda: bool(of_type(self.transport, "agent.state")), "the next event")


if __name__ == "__main__":
    unittest.main()
