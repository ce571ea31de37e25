"""The ask_supervisor function tool: the caller holds, the question goes to the help queue, and the
pushed escalation.answer (answered, no_supervisor, timed_out) is the tool's result."""
from __future__ import annotations

import asyncio
import unittest

from switchboard_livekit import NOBODY_AVAILABLE, TIMED_OUT
from tests import livekit_agents_double as lk
from tests.support import attached, of_type, wait_until


class AskSupervisorTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.reporter, self.session, self.room, self.transport, self.client = await attached("RM_ask", hold_message="One moment please.")

    async def asyncTearDown(self) -> None:
        await self.client.aclose()

    async def requested(self) -> dict:
        await wait_until(lambda: bool(of_type(self.transport, "escalation.requested")), "escalation.requested")
        return of_type(self.transport, "escalation.requested")[-1]["data"]

    async def answer(self, outcome: str, answer: str | None = None) -> None:
        request = await self.requested()
        data = {"requestId": request["requestId"], "outcome": outcome}
        if answer:
            data["answer"] = answer
        self.transport.command("RM_ask", "cmd-" + outcome, "escalation.answer", data)

    async def test_the_pushed_answer_is_the_tools_result_and_the_caller_was_asked_to_hold(self) -> None:
        ask = asyncio.create_task(self.reporter.ask_supervisor("Can we refund a double charge?", topic="billing", timeout=30))
        await self.answer("answered", "Yes, refund the second charge.")
        result = await asyncio.wait_for(ask, 5)
        self.assertEqual("The supervisor answered: Yes, refund the second charge.", result)
        self.assertEqual(["One moment please."], [h.text for h in self.session.said])
        request = await self.requested()
        self.assertEqual({"question": "Can we refund a double charge?", "topic": "billing", "timeoutMs": 30000},
                         {k: v for k, v in request.items() if k != "requestId"})
        self.assertTrue(await self.client.flush(5.0))
        self.assertTrue(of_type(self.transport, "command.acked")[-1]["data"]["ok"])

    async def test_nobody_available_is_said_at_once(self) -> None:
        ask = asyncio.create_task(self.reporter.ask_supervisor("Is the shop open on Sunday?"))
        await self.answer("no_supervisor")
        self.assertEqual(NOBODY_AVAILABLE, await asyncio.wait_for(ask, 5))

    async def test_the_servers_timeout_is_a_timeout(self) -> None:
        ask = asyncio.create_task(self.reporter.ask_supervisor("Is the shop open on Sunday?"))
        await self.answer("timed_out")
        self.assertEqual(TIMED_OUT, await asyncio.wait_for(ask, 5))

    async def test_without_any_outcome_the_request_is_withdrawn(self) -> None:
        self.reporter.options.escalation_grace = 0.01
        result = await asyncio.wait_for(self.reporter.ask_supervisor("Anyone?", timeout=0.05), 5)
        self.assertEqual(TIMED_OUT, result)
        self.assertTrue(await self.client.flush(5.0))
        cancelled = of_type(self.transport, "escalation.cancelled")
        self.assertEqual((await self.requested())["requestId"], cancelled[0]["data"]["requestId"])

    async def test_the_call_ending_cancels_the_wait(self) -> None:
        ask = asyncio.create_task(self.reporter.ask_supervisor("Anyone?"))
        await self.requested()
        self.session.emit("close", lk.CloseEvent(reason=lk.CloseReason.PARTICIPANT_DISCONNECTED))
        self.assertIn("withdrawn", await asyncio.wait_for(ask, 5))

    async def test_the_function_tool_is_built_with_livekits_decorator_and_asks(self) -> None:
        built = {}

        def function_tool(f, *, name=None, description=None):  # livekit.agents.function_tool's signature (llm/tool_context.py)
            built.update(f=f, name=name)
            return f

        tool = self.reporter.ask_supervisor_tool(function_tool=function_tool)
        self.assertEqual("ask_supervisor", built["name"])
        self.assertIn("Args:", tool.__doc__)  # livekit parses the docstring into the tool's schema
        ask = asyncio.create_task(tool("Can I waive the fee?", "billing"))
        await self.answer("answered", "Yes.")
        self.assertEqual("The supervisor answered: Yes.", await asyncio.wait_for(ask, 5))
        self.assertEqual("billing", (await self.requested())["topic"])


if __name__ == "__main__":
    unittest.main()
