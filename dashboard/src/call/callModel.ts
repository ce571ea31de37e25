// Folds a call's events into what the call room shows.
import type { LiveEvent } from "../live/callLog";

type Data = Record<string, unknown>;

/** Every item knows whether it arrived after the call had ended (the log accepts such events; they change nothing). */
interface Placed {
  seq: number;
  at: string;
  late?: boolean;
}

export type TimelineItem = Placed &
  (
    | { kind: "line"; speaker: string; text: string; segmentId: string; sentiment?: { label: string; score: number } }
    | { kind: "tool"; name: string; phase: "called" | "result"; ok?: boolean; detail?: string; durationMs?: number }
    | { kind: "handoff"; from: string; to: string; reason?: string }
    | { kind: "guidance"; commandId: string; text: string; by: string; applied: boolean }
    | { kind: "note"; text: string; tone?: "warn" | "info" | "good"; marker?: "ended" }
  );

export interface TurnLatency {
  seq: number;
  endOfUtteranceMs?: number;
  sttMs?: number;
  llmTtftMs?: number;
  ttsTtfbMs?: number;
  e2eMs?: number;
}

export interface CallerDetails {
  name?: string;
  number?: string;
  identity?: string;
}

export interface CallView {
  items: TimelineItem[];
  states: { state: string; at: string }[];
  turns: TurnLatency[];
  participants: { identity: string; role: string; name?: string }[];
  /** Who watches or holds the call now; empty once it has ended. */
  supervisors: { user: string; mode: string }[];
  /** Who holds the call now; null once it has ended. */
  takeoverBy: string | null;
  /** The end reason, once the call has ended. */
  ended: string | null;
  endedAt: string | null;
  started: { at: string; agentName?: string; direction?: string; caller?: CallerDetails } | null;
  /** The persona now speaking for the agent (changes on handoff). */
  persona: string | null;
  openEscalation: { requestId: string; question: string } | null;
}

const endReasons: Record<string, string> = {
  completed: "completed",
  caller_hangup: "the caller hung up",
  transferred: "transferred",
  supervisor_ended: "ended by a supervisor",
  agent_error: "the agent failed",
  room_finished: "the room closed",
  reconciled: "the room was gone (closed by the server)",
};

/** A call.ended reason as a supervisor reads it. */
export function endReasonText(reason: string | null | undefined): string {
  return (reason && endReasons[reason]) ?? reason ?? "ended";
}

const str = (d: Data, k: string): string | undefined => (typeof d[k] === "string" ? (d[k] as string) : undefined);
const numb = (d: Data, k: string): number | undefined => (typeof d[k] === "number" ? (d[k] as number) : undefined);

export function foldCall(events: readonly LiveEvent[]): CallView {
  const items: TimelineItem[] = [];
  const lines = new Map<string, Extract<TimelineItem, { kind: "line" }>>();
  const guidance = new Map<string, Extract<TimelineItem, { kind: "guidance" }>>();
  const acked = new Set<string>();
  const states: CallView["states"] = [];
  const turns: TurnLatency[] = [];
  const participants = new Map<string, CallView["participants"][number]>();
  const supervisors = new Map<string, string>();
  let takeoverBy: string | null = null;
  let ended: string | null = null;
  let endedAt: string | null = null;
  let started: CallView["started"] = null;
  let persona: string | null = null;
  let openEscalation: CallView["openEscalation"] = null;

  for (const e of events) {
    const d = (e.data && typeof e.data === "object" ? e.data : {}) as Data;
    // After call.ended the log still takes events, but they never reopen the call or change who
    // holds or watches it: they are shown after the end, marked as late.
    const late = ended !== null;
    const base = late ? { seq: e.seq, at: e.at, late: true } : { seq: e.seq, at: e.at };
    switch (e.type) {
      case "call.started": {
        const caller = d["caller"] && typeof d["caller"] === "object" ? (d["caller"] as Data) : null;
        if (!late) {
          started = {
            at: e.at,
            agentName: str(d, "agentName"),
            direction: str(d, "direction"),
            caller: caller ? { name: str(caller, "name"), number: str(caller, "number"), identity: str(caller, "identity") } : undefined,
          };
          persona ??= str(d, "agentName") ?? null;
        }
        items.push({ ...base, kind: "note", text: `Call started${str(d, "agentName") ? ` with ${str(d, "agentName")}` : ""}` });
        break;
      }
      case "call.ended":
        if (late) break;
        ended = str(d, "reason") ?? "ended";
        endedAt = e.at;
        takeoverBy = null;
        supervisors.clear();
        openEscalation = null;
        items.push({ ...base, kind: "note", text: `Call ended: ${endReasonText(ended)}`, tone: "warn", marker: "ended" });
        break;
      case "transcript.final": {
        const line = { ...base, kind: "line" as const, speaker: str(d, "speaker") ?? "unknown", text: str(d, "text") ?? "", segmentId: str(d, "segmentId") ?? "" };
        lines.set(line.segmentId, line);
        items.push(line);
        break;
      }
      case "sentiment.scored": {
        const line = lines.get(str(d, "segmentId") ?? "");
        if (line) line.sentiment = { label: str(d, "label") ?? "neutral", score: numb(d, "score") ?? 0 };
        break;
      }
      case "agent.state":
        if (!late) states.push({ state: str(d, "state") ?? "unknown", at: e.at });
        break;
      case "agent.handoff":
        if (!late) persona = str(d, "to") ?? persona;
        items.push({ ...base, kind: "handoff", from: str(d, "from") ?? "?", to: str(d, "to") ?? "?", reason: str(d, "reason") });
        break;
      case "tool.called":
        items.push({ ...base, kind: "tool", phase: "called", name: str(d, "name") ?? "tool", detail: d["arguments"] === undefined ? undefined : JSON.stringify(d["arguments"]) });
        break;
      case "tool.result":
        items.push({
          ...base,
          kind: "tool",
          phase: "result",
          name: str(d, "name") ?? "tool",
          ok: d["ok"] === true,
          detail: str(d, "error") ?? (d["result"] === undefined ? undefined : JSON.stringify(d["result"])),
          durationMs: numb(d, "durationMs"),
        });
        break;
      case "metrics.turn":
        turns.push({
          seq: e.seq,
          endOfUtteranceMs: numb(d, "endOfUtteranceMs"),
          sttMs: numb(d, "sttMs"),
          llmTtftMs: numb(d, "llmTtftMs"),
          ttsTtfbMs: numb(d, "ttsTtfbMs"),
          e2eMs: numb(d, "e2eMs"),
        });
        break;
      case "participant.joined":
        if (!late) participants.set(str(d, "identity") ?? "?", { identity: str(d, "identity") ?? "?", role: str(d, "role") ?? "?", name: str(d, "name") });
        break;
      case "participant.left":
        if (!late) participants.delete(str(d, "identity") ?? "?");
        break;
      case "supervisor.joined":
        if (!late) supervisors.set(str(d, "user") ?? "?", str(d, "mode") ?? "listen");
        items.push({ ...base, kind: "note", text: `${str(d, "user") ?? "A supervisor"} joined (${str(d, "mode") ?? "listen"})`, tone: "info" });
        break;
      case "supervisor.left":
        if (!late) supervisors.delete(str(d, "user") ?? "?");
        break;
      case "supervisor.guidance": {
        const g = { ...base, kind: "guidance" as const, commandId: str(d, "commandId") ?? "", text: str(d, "text") ?? "", by: str(d, "by") ?? "", applied: false };
        g.applied = acked.has(g.commandId);
        guidance.set(g.commandId, g);
        items.push(g);
        break;
      }
      case "command.acked": {
        const id = str(d, "commandId") ?? "";
        acked.add(id);
        const g = guidance.get(id);
        if (g) g.applied = d["ok"] !== false;
        break;
      }
      case "control.takeover": {
        const by = str(d, "by") ?? "a supervisor";
        if (!late) takeoverBy = by;
        items.push({ ...base, kind: "note", text: `${by} took over; the agent is paused`, tone: "warn" });
        break;
      }
      case "control.handback":
        items.push({ ...base, kind: "note", text: `${str(d, "by") ?? takeoverBy ?? "The supervisor"} handed back to the agent`, tone: "good" });
        if (!late) takeoverBy = null;
        break;
      case "escalation.requested":
        if (!late) openEscalation = { requestId: str(d, "requestId") ?? "", question: str(d, "question") ?? "" };
        items.push({ ...base, kind: "note", text: `Agent asks for help: ${str(d, "question") ?? ""}`, tone: "warn" });
        break;
      case "escalation.claimed":
        items.push({ ...base, kind: "note", text: `${str(d, "by") ?? "A supervisor"} is answering the agent's question`, tone: "info" });
        break;
      case "escalation.answered":
        openEscalation = null;
        items.push({ ...base, kind: "note", text: `Answer for the agent (${str(d, "by") ?? "supervisor"}): ${str(d, "answer") ?? ""}`, tone: "good" });
        break;
      case "escalation.timed_out":
      case "escalation.cancelled":
        openEscalation = null;
        items.push({ ...base, kind: "note", text: `Help request ${e.type === "escalation.timed_out" ? "timed out" : "cancelled"}`, tone: "warn" });
        break;
      case "transfer.requested":
        items.push({ ...base, kind: "note", text: `Transfer to ${str(d, "destination") ?? "?"} (${str(d, "mode") ?? "cold"}) requested`, tone: "info" });
        break;
      case "transfer.completed":
        items.push({ ...base, kind: "note", text: `Transferred to ${str(d, "destination") ?? "?"}`, tone: "good" });
        break;
      case "transfer.failed":
        items.push({ ...base, kind: "note", text: `Transfer failed: ${str(d, "error") ?? "unknown reason"}`, tone: "warn" });
        break;
      case "alert.raised": {
        const reasons = Array.isArray(d["reasons"]) ? (d["reasons"] as unknown[]).filter((r) => typeof r === "string").join(", ") : "";
        items.push({ ...base, kind: "note", text: `Attention alert${reasons ? `: ${reasons}` : ""}`, tone: "warn" });
        break;
      }
    }
  }

  return {
    items,
    states,
    turns,
    participants: [...participants.values()],
    supervisors: [...supervisors.entries()].map(([user, mode]) => ({ user, mode })),
    takeoverBy,
    ended,
    endedAt,
    started,
    persona,
    openEscalation,
  };
}

export interface StateSpan {
  state: string;
  at: string;
  /** How long the agent was in this state: until the next one, or until `now` for the current one. */
  ms: number;
}

/**
 * The agent's latest states for the strip: those of the last `withinMs` (and always the current
 * one), at most `max`, oldest first — so the strip stays one short row however long the call runs.
 */
export function recentStates(states: readonly { state: string; at: string }[], now: number, max = 12, withinMs = 120_000): StateSpan[] {
  const spans: StateSpan[] = [];
  for (let i = Math.max(0, states.length - max); i < states.length; i++) {
    const s = states[i]!;
    const next = states[i + 1];
    const start = Date.parse(s.at);
    const end = next ? Date.parse(next.at) : Math.max(start, now);
    if (next && now - end > withinMs) continue;
    spans.push({ state: s.state, at: s.at, ms: Math.max(0, end - start) });
  }
  return spans;
}
