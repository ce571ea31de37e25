// Which calls need a human first. The server's attention score orders the wallboard; a call the
// server has not scored yet is weighed here from the same signals in its summary.
import { num, type WallboardCall } from "../api/types";

export function attentionOf(call: WallboardCall, now: number): number {
  if (call.attention) return num(call.attention.score);
  let score = 0;
  if (call.openEscalation) {
    const held = Math.max(0, now - Date.parse(call.openEscalation.requestedAt)) / 1000;
    score += 40 + Math.min(30, held / 4);
  }
  if (call.sentiment) {
    const s = num(call.sentiment.score);
    if (s < 0) score += Math.min(30, -s * 30);
  }
  score += Math.min(20, num(call.toolErrors) * 5);
  if (num(call.lastE2eMs) > 2000) score += 10;
  return score;
}

/** Most attention first; equal scores keep the oldest call first, then by id, so order is stable. */
export function orderByAttention(calls: readonly WallboardCall[], now: number): WallboardCall[] {
  return calls
    .map((call) => ({ call, score: attentionOf(call, now), started: Date.parse(call.startedAt) }))
    .sort((a, b) => b.score - a.score || a.started - b.started || (a.call.callId < b.call.callId ? -1 : 1))
    .map((x) => x.call);
}

export type SentimentTone = "negative" | "neutral" | "positive" | "unknown";

export function toneOf(call: WallboardCall): SentimentTone {
  const label = call.sentiment?.label;
  return label === "negative" || label === "neutral" || label === "positive" ? label : "unknown";
}
