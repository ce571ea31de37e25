// A wallboard summary for unit tests: an active call with nothing to show but what the test sets.
import type { WallboardCall } from "../api/types";

export function call(id: string, extra: Partial<WallboardCall> = {}): WallboardCall {
  return {
    callId: id,
    status: "active",
    startedAt: "2026-11-21T10:00:00Z",
    lastSeq: 1,
    agentName: "agent",
    persona: null,
    agentState: "listening",
    caller: null,
    lastLine: null,
    lastE2eMs: null,
    sentiment: null,
    openEscalation: null,
    supervisors: 0,
    takeoverBy: null,
    toolErrors: 0,
    endReason: null,
    ...extra,
  };
}
