import { describe, expect, it } from "vitest";
import type { FleetLatency } from "../api/types";
import { call } from "../wallboard/testCalls";
import { FakeEventSource } from "./fakeEventSource";
import { WallboardStream } from "./wallboardStream";

const latency = (p95Ms: number, alerting: boolean): FleetLatency => ({
  at: "2026-11-21T10:05:00Z",
  windowSeconds: 300,
  stages: [{ stage: "llmFirstToken", budgetMs: 800, turns: 40, p95Ms, over: p95Ms > 800, alerting, alertingSince: null, callsOver: 0 }],
});

describe("wallboard store", () => {
  it("takes the fleet's latency from the snapshot and then from each latency frame", () => {
    let source: FakeEventSource | null = null;
    const board = new WallboardStream((url) => (source = new FakeEventSource(url)), (n) => n);
    board.start();
    expect(board.getSnapshot().latency).toBeNull();

    source!.emit("snapshot", { at: "2026-11-21T10:05:00Z", calls: [call("C1")], latency: latency(700, false) });
    expect(board.getSnapshot().latency?.stages[0]?.p95Ms).toBe(700);

    source!.emit("latency", latency(1241.1, true));
    const s = board.getSnapshot();
    expect(s.latency?.stages[0]?.alerting).toBe(true);
    expect(s.calls.map((c) => c.callId)).toEqual(["C1"]);
  });
});
