import { describe, expect, it } from "vitest";
import type { FleetLatency, FleetStageLatency } from "../api/types";
import { call } from "./testCalls";
import { flagsOf } from "./callText";
import { budgetBadge, budgetDetail, fleetAlerts, msText, stageFigure } from "./latencyText";

const stage = (s: string, extra: Partial<FleetStageLatency> = {}): FleetStageLatency => ({
  stage: s,
  budgetMs: 800,
  turns: 40,
  p95Ms: 420,
  over: false,
  alerting: false,
  alertingSince: null,
  callsOver: 0,
  ...extra,
});

describe("latency budget texts", () => {
  it("reads milliseconds as ms under a second and as seconds from it", () => {
    expect([msText(420.4), msText(999.6), msText(1241.1), msText("2000")]).toEqual(["420 ms", "1000 ms", "1.2 s", "2.0 s"]);
  });

  it("flags a call with the stages over budget, and not a call within it", () => {
    const slow = call("C", {
      overBudget: [
        { stage: "llmFirstToken", p95Ms: 1200, budgetMs: 800, turns: 20 },
        { stage: "ttsFirstByte", p95Ms: 420, budgetMs: 300, turns: 1 },
      ],
    });
    expect(budgetBadge(slow)).toBe("Slow: LLM 1.2 s, TTS 420 ms p95");
    expect(budgetDetail(slow)).toBe("LLM first token: p95 1.2 s over the last 20 turns, budget 800 ms; TTS first byte: p95 420 ms over the last 1 turn, budget 300 ms");
    expect(flagsOf(slow)).toContain("Slow: LLM 1.2 s, TTS 420 ms p95");
    expect(budgetBadge(call("C"))).toBeNull();
    expect(budgetBadge(call("C", { overBudget: [] }))).toBeNull();
  });

  it("words the fleet's figures and only the standing alerts", () => {
    const latency: FleetLatency = {
      at: "2026-11-21T10:05:00Z",
      windowSeconds: 300,
      stages: [
        stage("stt", { budgetMs: 500, turns: 0, p95Ms: null }),
        stage("llmFirstToken", { p95Ms: 1241.1, over: true, alerting: true, alertingSince: "2026-11-21T10:04:00Z", callsOver: 2 }),
        stage("endToEnd", { budgetMs: 2000, p95Ms: 1900, alerting: true, callsOver: 0 }),
      ],
    };
    expect(latency.stages.map(stageFigure)).toEqual(["STT — / 500 ms", "LLM 1.2 s / 800 ms", "end to end 1.9 s / 2.0 s"]);
    expect(fleetAlerts(latency)).toEqual([
      "LLM first token over budget: p95 1.2 s in the last 5 min, budget 800 ms; 2 live calls over it",
      "end to end over budget: p95 1.9 s in the last 5 min, budget 2.0 s",
    ]);
    expect(fleetAlerts(null)).toEqual([]);
  });
});
