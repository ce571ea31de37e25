import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../live/callLog";
import { foldDisposition } from "./DispositionPanel";

const ev = (seq: number, type: string, data: unknown): LiveEvent => ({ callId: "c", seq, id: `e${seq}`, type, at: `2026-12-01T10:00:0${seq}Z`, receivedAt: "", data });

describe("disposition", () => {
  it("keeps the latest disposition and tag list and every note, in order", () => {
    const d = foldDisposition([
      ev(1, "call.disposition", { disposition: "callback", by: "ana" }),
      ev(2, "transcript.final", { text: "ignored", note: "not a note" }),
      ev(3, "call.disposition", { tags: ["billing"], note: "Call back after 5 pm", by: "ana" }),
      ev(4, "call.disposition", { disposition: "resolved", tags: ["billing", "vip"], by: "ben" }),
      ev(5, "call.disposition", { note: "Refund sent", by: "ben" }),
    ]);
    expect(d.disposition).toBe("resolved");
    expect(d.tags).toEqual(["billing", "vip"]);
    expect(d.notes).toEqual([
      { by: "ana", at: "2026-12-01T10:00:03Z", text: "Call back after 5 pm" },
      { by: "ben", at: "2026-12-01T10:00:05Z", text: "Refund sent" },
    ]);
  });

  it("is empty for a call without one", () => {
    expect(foldDisposition([ev(1, "call.started", {})])).toEqual({ disposition: null, tags: [], notes: [] });
  });
});
