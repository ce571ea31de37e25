import type { WallboardCall } from "../api/types";
import { budgetBadge } from "./latencyText";

export function callerName(call: WallboardCall): string {
  return call.caller?.name ?? call.caller?.number ?? call.caller?.identity ?? call.callId;
}

export interface CallerLabel {
  name: string;
  /** What tells this call apart from another active call of the same name, if there is one. */
  tag: string | null;
}

export const labelText = (label: CallerLabel): string => (label.tag ? `${label.name} · ${label.tag}` : label.name);

/**
 * What each call is called on the wallboard: its caller's name, and where two active calls share
 * a name, a tag that tells them apart — the caller's number if the numbers differ, else the end
 * of the call id.
 */
export function callerLabels(calls: readonly WallboardCall[]): Map<string, CallerLabel> {
  const byName = new Map<string, WallboardCall[]>();
  for (const call of calls) {
    const name = callerName(call);
    byName.set(name, [...(byName.get(name) ?? []), call]);
  }
  const labels = new Map<string, CallerLabel>();
  for (const [name, same] of byName) {
    const numbers = new Set(same.map((c) => c.caller?.number ?? ""));
    const numbersTell = numbers.size === same.length && !numbers.has("");
    for (const call of same) {
      const number = call.caller?.number;
      const tag = same.length === 1 ? null : numbersTell && number && number !== name ? number : `…${call.callId.slice(-4)}`;
      labels.set(call.callId, { name, tag });
    }
  }
  return labels;
}

export function flagsOf(call: WallboardCall): string[] {
  const flags: string[] = [];
  if (call.openEscalation) flags.push(call.openEscalation.claimedBy ? "help claimed" : "needs help");
  if (call.takeoverBy) flags.push(`taken over by ${call.takeoverBy}`);
  if (Number(call.toolErrors) > 0) flags.push(`${call.toolErrors} tool error${Number(call.toolErrors) === 1 ? "" : "s"}`);
  const slow = budgetBadge(call);
  if (slow) flags.push(slow);
  if (Number(call.lastE2eMs) > 2000) flags.push("slow turns");
  if (Number(call.supervisors) > 0) flags.push(`${call.supervisors} supervisor${Number(call.supervisors) === 1 ? "" : "s"} watching`);
  for (const r of call.attention?.reasons ?? []) if (!flags.includes(r)) flags.push(r);
  return flags;
}
