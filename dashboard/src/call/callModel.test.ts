import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../live/callLog";
import { endReasonText, foldCall, recentStates } from "./callModel";

let seq = 0;
const e = (type: string, data: Record<string, unknown>, at = "2026-11-21T10:00:00Z"): LiveEvent => ({ callId: "C", seq: ++seq, id: `e${seq}`, type, at, receivedAt: at, data });

describe("call room model", () => {
  it("marks guidance applied once the agent acknowledges its command", () => {
    const view = foldCall([e("supervisor.guidance", { commandId: "k1", text: "offer a refund", by: "ana" }), e("command.acked", { commandId: "k1", ok: true })]);
    expect(view.items).toMatchObject([{ kind: "guidance", text: "offer a refund", applied: true }]);
  });

  it("puts sentiment on the customer line it scored and tracks take-over and hand-back", () => {
    const view = foldCall([
      e("transcript.final", { speaker: "customer", segmentId: "s1", text: "This is useless" }),
      e("sentiment.scored", { segmentId: "s1", label: "negative", score: -0.7 }),
      e("control.takeover", { by: "ana" }),
    ]);
    expect(view.items[0]).toMatchObject({ kind: "line", sentiment: { label: "negative", score: -0.7 } });
    expect(view.takeoverBy).toBe("ana");
    expect(foldCall([e("control.takeover", { by: "ana" }), e("control.handback", { by: "ana" })]).takeoverBy).toBeNull();
  });

  it("knows who called, with which agent and persona, from the call's own events", () => {
    const view = foldCall([
      e("call.started", { agentName: "salon", direction: "inbound", caller: { name: "Maria Lopez", number: "+15550101" } }, "2026-11-21T10:00:00Z"),
      e("agent.handoff", { from: "salon", to: "booking" }),
    ]);
    expect(view.started).toMatchObject({ at: "2026-11-21T10:00:00Z", agentName: "salon", caller: { name: "Maria Lopez", number: "+15550101" } });
    expect(view.persona).toBe("booking");
  });

  it("an ended call has no holder and no watchers, and what arrives after its end changes nothing and is marked late", () => {
    const view = foldCall([
      e("call.started", { agentName: "support" }),
      e("supervisor.joined", { user: "ana", mode: "takeover" }),
      e("control.takeover", { by: "ana" }),
      e("call.ended", { reason: "caller_hangup" }, "2026-11-21T10:03:00Z"),
      e("transcript.final", { speaker: "agent", segmentId: "s9", text: "Sorry?" }),
      e("control.takeover", { by: "bob" }),
      e("supervisor.joined", { user: "bob", mode: "listen" }),
      e("call.ended", { reason: "completed" }, "2026-11-21T10:04:00Z"),
    ]);
    expect(view.ended).toBe("caller_hangup");
    expect(view.endedAt).toBe("2026-11-21T10:03:00Z");
    expect(view.takeoverBy).toBeNull();
    expect(view.supervisors).toEqual([]);
    const marker = view.items.findIndex((i) => i.kind === "note" && i.marker === "ended");
    expect(view.items[marker]).toMatchObject({ text: "Call ended: the caller hung up" });
    expect(view.items.slice(0, marker + 1).every((i) => !i.late)).toBe(true);
    expect(view.items.slice(marker + 1).map((i) => [i.kind, i.late])).toEqual([
      ["line", true],
      ["note", true],
      ["note", true],
    ]);
    expect(view.items.filter((i) => i.kind === "note" && i.marker === "ended")).toHaveLength(1);
  });

  it("says end reasons in words and passes unknown ones through", () => {
    expect(endReasonText("supervisor_ended")).toBe("ended by a supervisor");
    expect(endReasonText("x-custom")).toBe("x-custom");
    expect(endReasonText(null)).toBe("ended");
  });
});

describe("agent state strip", () => {
  const at = (s: number) => new Date(Date.parse("2026-11-21T10:00:00Z") + s * 1000).toISOString();
  const states = Array.from({ length: 100 }, (_, i) => ({ state: ["listening", "thinking", "speaking"][i % 3]!, at: at(i * 5) }));

  it("keeps at most the latest twelve states, oldest first, with how long each lasted", () => {
    const now = Date.parse(at(99 * 5 + 3));
    const strip = recentStates(states, now);
    expect(strip).toHaveLength(12);
    expect(strip.at(-1)).toEqual({ state: states[99]!.state, at: states[99]!.at, ms: 3000 });
    expect(strip[0]).toMatchObject({ at: states[88]!.at, ms: 5000 });
  });

  it("drops states that ended more than two minutes ago but always keeps the current one", () => {
    const now = Date.parse(at(99 * 5 + 600));
    expect(recentStates(states, now)).toEqual([{ state: states[99]!.state, at: states[99]!.at, ms: 600_000 }]);
  });
});
