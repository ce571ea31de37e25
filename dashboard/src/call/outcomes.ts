// What the control bar tells a supervisor after each intervention: a sentence about the call, not a log line.
import type { InterventionResult } from "../api/types";

export type Action = "listen" | "leave" | "guide" | "say" | "takeover" | "handback" | "transfer" | "end";

const done: Record<Action, (detail: string | undefined) => string> = {
  listen: () => "You are listening to the call.",
  leave: () => "You stopped listening.",
  guide: () => "Guidance sent. It shows as applied once the agent confirms it.",
  say: () => "Said to the caller.",
  takeover: () => "You took over the call. The agent is paused until you hand back.",
  handback: () => "You handed the call back to the agent.",
  transfer: (destination) => `Transfer${destination ? ` to ${destination}` : ""} requested.`,
  end: () => "You ended the call.",
};

const failed: Record<Action, string> = {
  listen: "You could not start listening",
  leave: "You could not stop listening",
  guide: "The guidance was not sent",
  say: "That was not said to the caller",
  takeover: "You could not take over the call",
  handback: "You could not hand the call back",
  transfer: "The call was not transferred",
  end: "The call was not ended",
};

/** The sentence for a successful intervention, with what the agent has not received yet. */
export function describeSuccess(action: Action, result: InterventionResult | null, detail?: string): { text: string; warning: boolean } {
  const parts = [done[action](detail)];
  const undelivered = Boolean(result?.commandId) && result?.delivered === false;
  if (undelivered) parts.push("The agent is not connected right now; it gets this as soon as it reconnects.");
  if (result?.warning) parts.push(`Note: ${result.warning}`);
  return { text: parts.join(" "), warning: undelivered || Boolean(result?.warning) };
}

/** The sentence for a refused or failed intervention, with the server's reason. */
export function describeFailure(action: Action, reason: string): string {
  const why = reason.trim().replace(/\.$/, "");
  return `${failed[action]}: ${why}.`;
}
