// The latency budget as the wallboard words it: a call's flag (the stages whose p95 over its last
// 20 turns is over budget) and the fleet's p95 of the last 5 minutes per stage, with its alerts.
import { num, type FleetLatency, type FleetStageLatency, type WallboardCall } from "../api/types";

const short: Record<string, string> = { stt: "STT", llmFirstToken: "LLM", ttsFirstByte: "TTS", endToEnd: "end to end" };
const long: Record<string, string> = { stt: "speech to text", llmFirstToken: "LLM first token", ttsFirstByte: "TTS first byte", endToEnd: "end to end" };

/** A stage's short name (STT, LLM, TTS, end to end). */
export const stageShort = (stage: string): string => short[stage] ?? stage;

/** A stage's full name. */
export const stageName = (stage: string): string => long[stage] ?? stage;

/** Milliseconds as a person reads them: "420 ms" under a second, "1.2 s" from it. */
export function msText(value: number | string): string {
  const ms = num(value);
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The call's flag, "Slow: LLM 1.2 s p95", or null while every stage is within its budget. */
export function budgetBadge(call: WallboardCall): string | null {
  const over = call.overBudget ?? [];
  if (over.length === 0) return null;
  return `Slow: ${over.map((b) => `${stageShort(b.stage)} ${msText(b.p95Ms)}`).join(", ")} p95`;
}

/** What the flag means, in full, for a tooltip. */
export function budgetDetail(call: WallboardCall): string {
  return (call.overBudget ?? [])
    .map((b) => `${stageName(b.stage)}: p95 ${msText(b.p95Ms)} over the last ${num(b.turns)} turn${num(b.turns) === 1 ? "" : "s"}, budget ${msText(b.budgetMs)}`)
    .join("; ");
}

/** One stage of the fleet's figures: "LLM 1.2 s / 800 ms", or "LLM — / 800 ms" without turns. */
export function stageFigure(stage: FleetStageLatency): string {
  return `${stageShort(stage.stage)} ${stage.p95Ms == null ? "—" : msText(stage.p95Ms)} / ${msText(stage.budgetMs)}`;
}

/** The sentences of the fleet's standing alerts, one per stage, in the budget's order. */
export function fleetAlerts(latency: FleetLatency | null): string[] {
  if (!latency) return [];
  const minutes = Math.round(num(latency.windowSeconds) / 60);
  return latency.stages
    .filter((s) => s.alerting)
    .map((s) => {
      const calls = num(s.callsOver);
      const who = calls > 0 ? `; ${calls} live call${calls === 1 ? "" : "s"} over it` : "";
      const p95 = s.p95Ms == null ? "no turns now" : `p95 ${msText(s.p95Ms)}`;
      return `${stageName(s.stage)} over budget: ${p95} in the last ${minutes} min, budget ${msText(s.budgetMs)}${who}`;
    });
}
