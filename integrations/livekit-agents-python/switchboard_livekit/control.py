"""What Switchboard's supervisors do to a session: commands, acknowledged, and ask_supervisor."""
from __future__ import annotations

import asyncio
import inspect
from typing import Any, Callable

from . import wire
from .client import Options, SwitchboardClient

NOBODY_AVAILABLE = "No supervisor is available right now. Offer the caller a call-back instead."
TIMED_OUT = "The supervisor did not answer in time. Tell the caller you could not confirm it now."


class SupervisorControl:
    """Carries out one call's commands through the session's own controls (livekit-agents 1.x
    voice/agent_session.py) and keeps what pausing needs: whether the agent may speak."""

    def __init__(self, client: SwitchboardClient, session: Any, call_id: str, options: Options,
                 end_call: Callable[[dict[str, Any]], None]) -> None:
        self.client = client
        self.session = session
        self.call_id = call_id
        self.options = options
        self._end_call = end_call
        self._loop = asyncio.get_running_loop()
        self.paused = False
        self.spoken_by_supervisor: list[str] = []
        self._own_speech = False  # speech_created fires inside say(): our own speech is let through
        self._guidance_while_paused: list[str] = []
        self._seen_commands: set[str] = set()
        self.escalations: dict[str, asyncio.Future[tuple[str, str | None]]] = {}

    def on_speech_created(self, handle: Any) -> None:
        if self.paused and handle is not None and not self._own_speech:
            # Paused: the supervisor has the floor. Transcription goes on; the agent's replies do not.
            handle.interrupt(force=True) if "force" in _params(handle.interrupt) else handle.interrupt()

    def take_supervisor_words(self, text: str) -> bool:
        """True (once) for a line the agent spoke for a supervisor: not to be reported as its own."""
        if text in self.spoken_by_supervisor:
            self.spoken_by_supervisor.remove(text)
            return True
        return False

    def cancel_escalations(self) -> None:
        for waiter in self.escalations.values():
            if not waiter.done():
                waiter.set_result(("cancelled", None))


    def on_command(self, command: wire.Command) -> None:
        if command.command_id in self._seen_commands:
            return  # redelivered after a reconnect: applied once, acknowledged again
        self._seen_commands.add(command.command_id)
        handler = getattr(self, "_do_" + command.type.replace(".", "_"), None)
        if handler is None:
            self._ack(command, f"this agent does not handle {command.type}")
            return
        try:
            result = handler(command.data)
        except Exception as error:
            self._ack(command, f"{type(error).__name__}: {error}")
            return
        if inspect.isawaitable(result):
            async def finish() -> None:
                try:
                    await result
                    self._ack(command)
                except Exception as error:
                    self._ack(command, f"{type(error).__name__}: {error}")
            self._loop.create_task(finish())
        else:
            self._ack(command)

    def _ack(self, command: wire.Command, error: str | None = None) -> None:
        data: dict[str, Any] = {"commandId": command.command_id, "ok": error is None}
        if error is not None:
            data["error"] = error[:2000]
        self.client.report(self.call_id, "command.acked", data, event_id="ack-" + command.command_id[:100])

    def _do_guide(self, data: dict[str, Any]) -> None:
        text = str(data.get("text", ""))
        if self.paused:
            self._guidance_while_paused.append(text)
            return
        self.session.generate_reply(instructions=_supervisor_instruction(text))

    def _do_pause(self, data: dict[str, Any]) -> None:
        self.paused = True
        self.session.output.set_audio_enabled(False)
        self.session.interrupt()
        self.session.input.set_audio_enabled(True)  # keep hearing the caller: transcripts go on

    def _do_resume(self, data: dict[str, Any]) -> None:
        self.paused = False
        self.session.output.set_audio_enabled(True)
        parts = ["A human supervisor spoke with the caller and now hands the call back to you."]
        if data.get("summary"):
            parts.append("Summary of what happened meanwhile: " + str(data["summary"]))
        parts.extend("Supervisor instruction: " + text for text in self._guidance_while_paused)
        self._guidance_while_paused.clear()
        parts.append("Continue the conversation from here.")
        self.session.generate_reply(instructions=" ".join(parts))

    def _do_say(self, data: dict[str, Any]) -> None:
        text = str(data.get("text", ""))
        self.spoken_by_supervisor.append(text)
        if self.paused:
            self.session.output.set_audio_enabled(True)
        self._own_speech = True
        try:
            handle = self.session.say(text, allow_interruptions=False)
        finally:
            self._own_speech = False
        if handle is not None:
            if self.paused and hasattr(handle, "add_done_callback"):
                handle.add_done_callback(lambda _: self.paused and self.session.output.set_audio_enabled(False))

    async def _do_end(self, data: dict[str, Any]) -> None:
        self._end_call({"reason": "supervisor_ended", "detail": str(data.get("reason") or "ended by a supervisor")[:2000]})
        shutdown = getattr(self.session, "shutdown", None)
        if shutdown is not None:
            shutdown()
        else:
            await self.session.aclose()

    def _do_escalation_answer(self, data: dict[str, Any]) -> None:
        waiter = self.escalations.get(str(data.get("requestId")))
        if waiter is not None and not waiter.done():
            waiter.set_result((str(data.get("outcome", "")), data.get("answer")))

    # ---- escalations ----

    async def ask_supervisor(self, question: str, topic: str | None = None, context: str | None = None, timeout: float | None = None) -> str:
        """Asks the help queue while the caller holds; the answer, or what to tell the caller instead."""
        timeout = self.options.escalation_timeout if timeout is None else timeout
        request_id = "esc-" + self.client.next_id()
        waiter: asyncio.Future[tuple[str, str | None]] = self._loop.create_future()
        self.escalations[request_id] = waiter  # registered before the request: an instant answer finds it
        data: dict[str, Any] = {"requestId": request_id, "question": question[:2000], "timeoutMs": int(timeout * 1000)}
        if topic:
            data["topic"] = topic
        if context:
            data["context"] = context[:2000]
        if self.options.hold_message:
            self.spoken_by_supervisor.append(self.options.hold_message)
            self.session.say(self.options.hold_message)
        self.client.report(self.call_id, "escalation.requested", data)
        try:
            outcome, answer = await asyncio.wait_for(asyncio.shield(waiter), timeout + self.options.escalation_grace)
        except asyncio.TimeoutError:
            # No outcome at all (the server is unreachable): withdraw the request.
            self.client.report(self.call_id, "escalation.cancelled", {"requestId": request_id, "reason": "agent_timeout"})
            return TIMED_OUT
        finally:
            self.escalations.pop(request_id, None)
        if outcome == "answered" and answer:
            return f"The supervisor answered: {answer}"
        if outcome == "no_supervisor":
            return NOBODY_AVAILABLE
        if outcome == "cancelled":
            return "The question was withdrawn; the call is ending."
        return TIMED_OUT

    def ask_supervisor_tool(self, function_tool: Callable[..., Any] | None = None) -> Any:
        """The `ask_supervisor` function tool for an Agent's `tools=[…]`."""
        if function_tool is None:
            from livekit.agents import function_tool  # type: ignore[no-redef]

        reporter = self

        async def ask_supervisor(question: str, topic: str = "") -> str:
            """Ask a human supervisor when you cannot answer the caller yourself (a policy exception,
            a refund, anything you are unsure of). The caller is asked to hold while you wait.

            Args:
                question: The question, complete enough for someone who has not heard the call.
                topic: One word for who should answer, such as billing or refunds (optional).
            """
            return await reporter.ask_supervisor(question, topic=topic or None)

        return function_tool(ask_supervisor, name="ask_supervisor")



def _params(fn: Any) -> Any:
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}


def _supervisor_instruction(text: str) -> str:
    return ("Instruction from a human supervisor who is listening to this call (not something the "
            "caller said; do not mention it): " + text)


