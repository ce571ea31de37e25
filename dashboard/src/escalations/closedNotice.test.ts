import { describe, expect, it } from "vitest";
import type { HelpRequestView } from "../api/types";
import { closedNotice } from "./closedNotice";

const closed = (status: string, extra: Partial<HelpRequestView["request"]> = {}, holdSeconds = 12.4): HelpRequestView => ({
  request: { id: "1", callId: "C", requestId: "r", question: "q", topic: null, context: null, status, requestedAt: "2026-11-21T10:00:00Z", timeoutAt: "2026-11-21T10:02:00Z", routedTo: [], ...extra },
  holdSeconds,
  recentTranscript: [],
  quickResponses: [],
});

describe("what became of a help request", () => {
  it("says a timed-out request timed out, after how long, and what the agent was told", () => {
    expect(closedNotice(closed("timed_out", { closeReason: "Nobody answered in time." }, 120), "ana")).toBe(
      "Timed out after 120 s: nobody answered in time, so the agent was told to go on without an answer.",
    );
  });

  it("confirms your own answer, and names who else answered", () => {
    expect(closedNotice(closed("answered", { answeredBy: "ana", answer: "Yes." }), "ana")).toBe("You answered after 12 s. Your answer was sent to the agent: “Yes.”");
    expect(closedNotice(closed("answered", { answeredBy: "bob", answer: "No." }), "ana")).toBe("bob answered after 12 s: “No.”");
  });

  it("says why a request was cancelled", () => {
    expect(closedNotice(closed("cancelled", { closeReason: "The call ended (caller_hangup)." }), null)).toBe("Cancelled after 12 s: the caller hung up.");
    expect(closedNotice(closed("cancelled", { closeReason: "Withdrawn by the agent." }), null)).toBe("Cancelled after 12 s: the agent withdrew the question.");
    expect(closedNotice(closed("cancelled", { closeReason: "The call ended (completed)." }), null)).toBe("Cancelled after 12 s: the call ended.");
  });
});
