// A past call laid out on one timeline for replay: what the call room shows (from foldCall), each
// item at its offset from the start, and the marks a reader jumps to. Pure; the view feeds it the
// log a page at a time and asks what was true at a point of the timeline.
import { foldCall, type CallView, type TimelineItem } from "../call/callModel";
import type { LiveEvent } from "../live/callLog";

type Data = Record<string, unknown>;

export type MarkKind = "escalation" | "intervention" | "tool-error" | "alert" | "handoff" | "transfer" | "end";

export interface Mark {
  /** Milliseconds from the call's start. */
  t: number;
  kind: MarkKind;
  label: string;
  seq: number;
}

export interface TurnPoint {
  t: number;
  seq: number;
  sttMs?: number;
  llmTtftMs?: number;
  ttsTtfbMs?: number;
  e2eMs?: number;
}

export interface Replay {
  /** The call's start (epoch ms): the timeline's zero. */
  start: number;
  /** Its length in ms: to the end, or to the last event while it has not ended. */
  duration: number;
  /** Transcript and event items in log order, each with its offset. */
  items: (TimelineItem & { t: number })[];
  states: { state: string; t: number }[];
  sentiment: { t: number; score: number }[];
  turns: TurnPoint[];
  marks: Mark[];
  view: CallView;
}

const str = (d: Data, k: string): string | undefined => (typeof d[k] === "string" ? (d[k] as string) : undefined);
const numb = (d: Data, k: string): number | undefined => (typeof d[k] === "number" ? (d[k] as number) : undefined);

const markOf: Record<string, (d: Data) => [MarkKind, string] | null> = {
  "escalation.requested": (d) => ["escalation", `Asks for help: ${str(d, "question") ?? ""}`],
  "escalation.answered": () => ["escalation", "Help answered"],
  "escalation.timed_out": () => ["escalation", "Help timed out"],
  "supervisor.guidance": (d) => ["intervention", `Guidance from ${str(d, "by") ?? "a supervisor"}`],
  "control.takeover": (d) => ["intervention", `${str(d, "by") ?? "A supervisor"} took over`],
  "control.handback": () => ["intervention", "Handed back"],
  "tool.result": (d) => (d["ok"] === false ? ["tool-error", `${str(d, "name") ?? "Tool"} failed`] : null),
  "alert.raised": () => ["alert", "Attention alert"],
  "agent.handoff": (d) => ["handoff", `Handoff to ${str(d, "to") ?? "?"}`],
  "transfer.completed": (d) => ["transfer", `Transferred to ${str(d, "destination") ?? "?"}`],
  "call.ended": () => ["end", "Call ended"],
};

/** Lays the events (in seq order) out on the timeline. */
export function buildReplay(events: readonly LiveEvent[], startedAt?: string, endedAt?: string | null): Replay {
  const first = events[0];
  const start = Date.parse(startedAt ?? first?.at ?? new Date(0).toISOString());
  const offset = (at: string) => Math.max(0, Date.parse(at) - start);
  const view = foldCall(events);
  const sentiment: Replay["sentiment"] = [];
  const turns: TurnPoint[] = [];
  const marks: Mark[] = [];
  let last = 0;
  const speakers = new Map<string, string>();
  for (const e of events) {
    const d = (e.data && typeof e.data === "object" ? e.data : {}) as Data;
    const t = offset(e.at);
    last = Math.max(last, t);
    if (e.type === "transcript.final") speakers.set(str(d, "segmentId") ?? "", str(d, "speaker") ?? "");
    else if (e.type === "sentiment.scored" && speakers.get(str(d, "segmentId") ?? "") !== "agent" && numb(d, "score") !== undefined) sentiment.push({ t, score: numb(d, "score")! });
    else if (e.type === "metrics.turn")
      turns.push({ t, seq: e.seq, sttMs: numb(d, "sttMs"), llmTtftMs: numb(d, "llmTtftMs"), ttsTtfbMs: numb(d, "ttsTtfbMs"), e2eMs: numb(d, "e2eMs") });
    const mark = markOf[e.type]?.(d);
    if (mark) marks.push({ t, kind: mark[0], label: mark[1], seq: e.seq });
  }
  const duration = endedAt ? Math.max(offset(endedAt), 0) : last;
  return {
    start,
    duration,
    items: view.items.map((item) => ({ ...item, t: offset(item.at) })),
    states: view.states.map((s) => ({ state: s.state, t: offset(s.at) })),
    sentiment,
    turns,
    marks: marks.sort((a, b) => a.t - b.t || a.seq - b.seq),
    view,
  };
}

/** The items that had happened at `t` (ms from the start), in log order. */
export function itemsAt(replay: Replay, t: number): Replay["items"] {
  return replay.items.filter((item) => item.t <= t);
}

/** The agent's state at `t`, or null before the first. */
export function stateAt(replay: Replay, t: number): string | null {
  let state: string | null = null;
  for (const s of replay.states) {
    if (s.t > t) break;
    state = s.state;
  }
  return state;
}

/** The next mark after `t`, or the previous one before it (with a little slack so a jump does not stick). */
export function adjacentMark(replay: Replay, t: number, direction: 1 | -1): Mark | null {
  if (direction === 1) return replay.marks.find((m) => m.t > t + 1) ?? null;
  return lastWhere(replay.marks, (m) => m.t < t - 1);
}

/** The last item that matches, or null. */
export function lastWhere<T>(items: readonly T[], test: (item: T) => boolean): T | null {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return items[i]!;
  return null;
}

/** m:ss of a timeline offset. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => n.toString().padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
