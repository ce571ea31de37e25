import type { WallboardCall } from "../api/types";

export function callerName(call: WallboardCall): string {
  return call.caller?.name ?? call.caller?.number ?? call.caller?.identity ?? call.callId;
}

export function flagsOf(call: WallboardCall): string[] {
  const flags: string[] = [];
  if (call.openEscalation) flags.push(call.openEscalation.claimedBy ? "help claimed" : "needs help");
  if (call.takeoverBy) flags.push(`taken over by ${call.takeoverBy}`);
  if (Number(call.toolErrors) > 0) flags.push(`${call.toolErrors} tool error${Number(call.toolErrors) === 1 ? "" : "s"}`);
  if (Number(call.lastE2eMs) > 2000) flags.push("slow turns");
  if (Number(call.supervisors) > 0) flags.push(`${call.supervisors} watching`);
  for (const r of call.attention?.reasons ?? []) if (!flags.includes(r)) flags.push(r);
  return flags;
}
