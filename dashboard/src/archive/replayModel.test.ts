import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../live/callLog";
import { adjacentMark, buildReplay, clock, itemsAt, stateAt } from "./replayModel";

const t0 = Date.parse("2026-12-01T10:00:00Z");
let seq = 0;
const ev = (sec: number, type: string, data: Record<string, unknown> = {}): LiveEvent => {
  const at = new Date(t0 + sec * 1000).toISOString();
  seq++;
  return { callId: "c1", seq, id: `e${seq}`, type, at, receivedAt: at, data };
};

const events = [
  ev(0, "call.started", { agentName: "Ava" }),
  ev(1, "agent.state", { state: "speaking" }),
  ev(3, "transcript.final", { speaker: "agent", text: "Hello, how can I help?", segmentId: "a1" }),
  ev(4, "agent.state", { state: "listening" }),
  ev(8, "transcript.final", { speaker: "customer", text: "My refund never came.", segmentId: "c1" }),
  ev(8.2, "sentiment.scored", { segmentId: "c1", label: "negative", score: -0.6 }),
  ev(9, "metrics.turn", { sttMs: 300, llmTtftMs: 900, ttsTtfbMs: 200, e2eMs: 1800 }),
  ev(10, "escalation.requested", { requestId: "r1", question: "Refund policy?" }),
  ev(25, "escalation.answered", { requestId: "r1", answer: "30 days", by: "ana" }),
  ev(30, "tool.result", { name: "lookup", ok: false, error: "timeout" }),
  ev(40, "call.ended", { reason: "completed" }),
];

describe("replay", () => {
  const replay = buildReplay(events, new Date(t0).toISOString(), new Date(t0 + 40_000).toISOString());

  it("lays every item out at its offset from the start and knows the length", () => {
    expect(replay.duration).toBe(40_000);
    const lines = replay.items.filter((i) => i.kind === "line");
    expect(lines.map((l) => l.t)).toEqual([3000, 8000]);
  });

  it("shows exactly what had happened at the playhead", () => {
    const texts = (t: number) => itemsAt(replay, t).flatMap((i) => (i.kind === "line" ? [i.text] : []));
    expect(texts(2999)).toEqual([]);
    expect(texts(3000)).toEqual(["Hello, how can I help?"]);
    expect(texts(7999)).toEqual(["Hello, how can I help?"]);
    expect(texts(8000)).toEqual(["Hello, how can I help?", "My refund never came."]);
    expect(stateAt(replay, 500)).toBeNull();
    expect(stateAt(replay, 3500)).toBe("speaking");
    expect(stateAt(replay, 4000)).toBe("listening");
  });

  it("keeps the customer's sentiment and each turn's latency on the timeline", () => {
    expect(replay.sentiment).toEqual([{ t: 8200, score: -0.6 }]);
    expect(replay.turns).toEqual([{ t: 9000, seq: 7, sttMs: 300, llmTtftMs: 900, ttsTtfbMs: 200, e2eMs: 1800 }]);
  });

  it("jumps from mark to mark in time order", () => {
    expect(replay.marks.map((m) => [m.t, m.kind])).toEqual([
      [10_000, "escalation"],
      [25_000, "escalation"],
      [30_000, "tool-error"],
      [40_000, "end"],
    ]);
    expect(adjacentMark(replay, 0, 1)?.t).toBe(10_000);
    expect(adjacentMark(replay, 10_000, 1)?.t).toBe(25_000);
    expect(adjacentMark(replay, 25_000, -1)?.t).toBe(10_000);
    expect(adjacentMark(replay, 5_000, -1)).toBeNull();
    expect(adjacentMark(replay, 40_000, 1)).toBeNull();
  });

  it("reads offsets as a clock", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(65_400)).toBe("1:05");
    expect(clock(3_725_000)).toBe("1:02:05");
  });
});
