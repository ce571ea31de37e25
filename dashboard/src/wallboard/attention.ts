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
  const mood = sentimentOf(call).call;
  if (mood && mood.score < 0) score += Math.min(30, -mood.score * 30);
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

/**
 * The band on a call's (averaged) sentiment that the server's attention score and archive use
 * (Insights/SentimentLabel.Threshold, Archive/CallRollup.SentimentBand). A single line's label is
 * the model's own.
 */
const threshold = 0.05;

export function labelOf(score: number): Exclude<SentimentTone, "unknown"> {
  return score >= threshold ? "positive" : score <= -threshold ? "negative" : "neutral";
}

function isLabel(value: unknown): value is Exclude<SentimentTone, "unknown"> {
  return value === "negative" || value === "neutral" || value === "positive";
}

export interface SentimentFigure {
  label: Exclude<SentimentTone, "unknown">;
  score: number;
}

/**
 * A call's two sentiment figures, kept apart and named: `call` is the rolling, recency-weighted
 * score of all the caller's lines (`callSentiment`, what the attention score and its reasons use,
 * with its direction); `lastLine` is the score of the caller's latest line alone (`sentiment`).
 */
export function sentimentOf(call: WallboardCall): { call: (SentimentFigure & { direction: string }) | null; lastLine: SentimentFigure | null } {
  const rolling = call.callSentiment;
  const last = call.sentiment;
  return {
    call: rolling ? { label: labelOf(num(rolling.score)), score: num(rolling.score), direction: rolling.direction } : null,
    // The line's label is the model's own (a configured model labels by its classes, not by the band).
    lastLine: last ? { label: isLabel(last.label) ? last.label : labelOf(num(last.score)), score: num(last.score) } : null,
  };
}

/** The colour of a call: its call sentiment (the rolling one), else its last line's, else not scored yet. */
export function toneOf(call: WallboardCall): SentimentTone {
  const { call: rolling, lastLine } = sentimentOf(call);
  return rolling?.label ?? lastLine?.label ?? "unknown";
}

/** A score as the wallboard prints it: two decimals, as the server writes it in attention reasons. */
export function scoreText(score: number): string {
  return score.toFixed(2);
}
