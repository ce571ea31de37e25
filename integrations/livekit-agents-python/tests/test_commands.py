"""Switchboard's commands reach the session through its own controls (livekit-agents 1.7.0,
voice/agent_session.py: say, generate_reply(instructions=…), interrupt, input/output
set_audio_enabled, shutdown), and each is acknowledged with command.acked."""
from __future__ import annotations

import unittest

from tests import livekit_agents_double as lk
from tests.support import attached, of_type, wait_until


class CommandTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.reporter, self.session, self.room, self.transport, self.client = await attached("RM_cmd")

    async def asyncTearDown(self) -> None:
        await self.client.aclose()

    async def acks(self) -> dict[str, dict]:
        self.assertTrue(await self.client.flush(5.0), "flush timed out")
        return {e["data"]["commandId"]: e for e in of_type(self.transport, "command.acked")}

    async def test_guide_reaches_the_llm_as_a_supervisor_instruction_not_as_caller_input(self) -> None:
        self.transport.command("RM_cmd", "c1", "guide", {"text": "Offer the loyalty discount.", "by": "sam"})
        acks = await self.acks()
        self.assertEqual({"commandId": "c1", "ok": True}, acks["c1"]["data"])
        self.assertEqual("ack-c1", acks["c1"]["id"])
        reply = self.session.replies[-1]
        self.assertIn("Offer the loyalty discount.", reply.instructions)
        self.assertIn("supervisor", reply.instructions)
        self.assertEqual([], self.session.said)

    async def test_pause_silences_and_stops_generation_but_keeps_transcribing(self) -> None:
        self.transport.command("RM_cmd", "p1", "pause", {"reason": "takeover", "by": "sam"})
        await self.acks()
        self.assertFalse(self.session.output.audio_enabled)
        self.assertTrue(self.session.input.audio_enabled)
        self.assertEqual(1, self.session.interrupts)
        unasked = self.session.auto_reply()
        self.assertTrue(unasked.interrupted)
        self.session.emit("user_input_transcribed", lk.UserInputTranscribedEvent(transcript="are you there?", is_final=True))
        self.transport.command("RM_cmd", "g1", "guide", {"text": "Mention the refund.", "by": "sam"})
        await self.acks()
        self.assertEqual("are you there?", [e for e in of_type(self.transport, "transcript.final")][-1]["data"]["text"])
        self.assertEqual([], self.session.replies)  # nothing is generated while paused

    async def test_resume_turns_audio_on_and_continues_with_the_summary_and_the_held_guidance(self) -> None:
        self.transport.command("RM_cmd", "p1", "pause", {"reason": "takeover", "by": "sam"})
        self.transport.command("RM_cmd", "g1", "guide", {"text": "Mention the refund.", "by": "sam"})
        self.transport.command("RM_cmd", "r1", "resume", {"summary": "Refund of 12 EUR approved.", "by": "sam", "unmuteSelf": True})
        acks = await self.acks()
        self.assertEqual({"p1", "g1", "r1"}, set(acks))
        self.assertTrue(self.session.output.audio_enabled)
        self.assertEqual(1, len(self.session.replies))
        self.assertIn("Refund of 12 EUR approved.", self.session.replies[0].instructions)
        self.assertIn("Mention the refund.", self.session.replies[0].instructions)
        self.assertFalse(self.session.auto_reply().interrupted)

    async def test_say_speaks_exactly_the_text_and_is_not_reported_as_the_agents_words(self) -> None:
        self.transport.command("RM_cmd", "s1", "say", {"text": "A colleague will call you back today.", "by": "sam"})
        await self.acks()
        self.assertEqual(["A colleague will call you back today."], [h.text for h in self.session.said])
        self.session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=lk.ChatMessage(role="assistant", content=["A colleague will call you back today."])))
        self.session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=lk.ChatMessage(role="assistant", content=["Anything else?"])))
        await self.acks()
        self.assertEqual(["Anything else?"], [e["data"]["text"] for e in of_type(self.transport, "transcript.final")])

    async def test_say_while_paused_is_heard_and_silence_returns_after_it(self) -> None:
        self.transport.command("RM_cmd", "p1", "pause", {"reason": "takeover", "by": "sam"})
        self.transport.command("RM_cmd", "s1", "say", {"text": "Please hold.", "by": "sam"})
        await self.acks()
        handle = self.session.said[0]
        self.assertFalse(handle.interrupted)
        self.assertTrue(self.session.output.audio_enabled)
        handle.finish()
        self.assertFalse(self.session.output.audio_enabled)

    async def test_end_reports_the_end_once_and_shuts_the_session_down(self) -> None:
        self.transport.command("RM_cmd", "e1", "end", {"reason": "abusive caller", "by": "sam"})
        await wait_until(lambda: self.session.shut_down, "the session to shut down")
        acks = await self.acks()
        self.assertTrue(acks["e1"]["data"]["ok"])
        self.assertEqual([{"reason": "supervisor_ended", "detail": "abusive caller"}], [e["data"] for e in of_type(self.transport, "call.ended")])

    async def test_an_unhandled_command_is_acknowledged_as_failed(self) -> None:
        self.transport.command("RM_cmd", "t1", "transfer", {"destination": "sip:+15550100"})
        acks = await self.acks()
        self.assertEqual({"commandId": "t1", "ok": False, "error": "this agent does not handle transfer"}, acks["t1"]["data"])

    async def test_a_command_the_session_fails_is_acknowledged_with_the_error(self) -> None:
        def broken(**kwargs: object) -> None:
            raise RuntimeError("AgentSession isn't running")
        self.session.generate_reply = broken  # type: ignore[method-assign]
        self.transport.command("RM_cmd", "g9", "guide", {"text": "x", "by": "sam"})
        acks = await self.acks()
        self.assertEqual({"commandId": "g9", "ok": False, "error": "RuntimeError: AgentSession isn't running"}, acks["g9"]["data"])

    async def test_a_redelivered_command_is_applied_once(self) -> None:
        self.transport.command("RM_cmd", "c1", "guide", {"text": "once", "by": "sam"})
        self.transport.command("RM_cmd", "c1", "guide", {"text": "once", "by": "sam"})
        await self.acks()
        self.assertEqual(1, len(self.session.replies))

    async def test_commands_of_another_call_are_not_applied(self) -> None:
        self.transport.command("RM_other", "c1", "say", {"text": "wrong call", "by": "sam"})
        await self.acks()
        self.assertEqual([], self.session.said)


if __name__ == "__main__":
    unittest.main()
