import { describe, expect, it } from "vitest";
import { call } from "./testCalls";
import { attentionOf, orderByAttention } from "./attention";

const now = Date.parse("2026-11-21T10:10:00Z");

describe("attention ordering", () => {
  it("puts the server's attention score first when it sends one", () => {
    const score = (s: number | string) => ({ attention: { score: s, reasons: [] } });
    const ordered = orderByAttention([call("a", score(10)), call("b", score(80)), call("c", score("30"))], now);
    expect(ordered.map((c) => c.callId)).toEqual(["b", "c", "a"]);
  });

  it("ranks an open escalation above a merely unhappy caller, and an unhappy caller above a calm one", () => {
    const calm = call("calm", { sentiment: { label: "positive", score: 0.6 } });
    const angry = call("angry", { sentiment: { label: "negative", score: -0.8 } });
    const waiting = call("waiting", {
      openEscalation: { requestId: "r1", question: "refund?", topic: "billing", requestedAt: "2026-11-21T10:09:30Z", claimedBy: null },
    });
    expect(orderByAttention([calm, angry, waiting], now).map((c) => c.callId)).toEqual(["waiting", "angry", "calm"]);
  });

  it("grows with the time a caller has been holding", () => {
    const esc = (at: string) =>
      call("x", { openEscalation: { requestId: "r", question: "q", topic: null, requestedAt: at, claimedBy: null } });
    expect(attentionOf(esc("2026-11-21T10:05:00Z"), now)).toBeGreaterThan(attentionOf(esc("2026-11-21T10:09:50Z"), now));
  });

  it("keeps a stable order for equal scores: oldest call first, then by id", () => {
    const a = call("a", { startedAt: "2026-11-21T10:02:00Z" });
    const b = call("b", { startedAt: "2026-11-21T10:01:00Z" });
    const c = call("c", { startedAt: "2026-11-21T10:01:00Z" });
    expect(orderByAttention([a, c, b], now).map((x) => x.callId)).toEqual(["b", "c", "a"]);
  });
});
