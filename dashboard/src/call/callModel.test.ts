import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../live/callLog";
import { foldCall } from "./callModel";

let seq = 0;
const e = (type: string, data: Record<string, unknown>): LiveEvent => ({ callId: "C", seq: ++seq, id: `e${seq}`, type, at: "2026-11-21T10:00:00Z", receivedAt: "2026-11-21T10:00:00Z", data });

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
});
