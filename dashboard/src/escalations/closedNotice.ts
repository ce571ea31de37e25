// What became of a help request that left the queue, in a sentence, from what the server recorded.
import { num, type HelpRequestView } from "../api/types";

const seconds = (view: HelpRequestView) => `${Math.round(num(view.holdSeconds))} s`;

/** Why a request was cancelled, from the reason the server recorded (HelpQueue's close reasons). */
function cancelled(reason: string | null | undefined): string {
  if (!reason) return "it was cancelled";
  if (reason.includes("caller_hangup")) return "the caller hung up";
  if (reason.startsWith("Withdrawn")) return "the agent withdrew the question";
  if (reason.startsWith("The call ended")) return "the call ended";
  return reason.replace(/\.$/, "");
}

export function closedNotice(view: HelpRequestView, me: string | null): string {
  const r = view.request;
  switch (r.status) {
    case "answered":
      return r.answeredBy && r.answeredBy === me
        ? `You answered after ${seconds(view)}. Your answer was sent to the agent: “${r.answer ?? ""}”`
        : `${r.answeredBy ?? "A supervisor"} answered after ${seconds(view)}: “${r.answer ?? ""}”`;
    case "timed_out":
      return `Timed out after ${seconds(view)}: nobody answered in time, so the agent was told to go on without an answer.`;
    case "cancelled":
      return `Cancelled after ${seconds(view)}: ${cancelled(r.closeReason)}.`;
    case "unavailable":
      return `No supervisor was online for it; the agent was told at once.`;
    default:
      return `Closed (${r.status}).`;
  }
}
