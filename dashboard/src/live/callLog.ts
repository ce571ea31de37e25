// One call's events as the dashboard knows them: durable events in seq order, each exactly once,
// plus the ephemeral interim lines and debug frames. Pure; the connection feeds it.
import { num, type StoredEvent } from "../api/types";

export interface LiveEvent {
  callId: string;
  seq: number;
  id: string;
  type: string;
  at: string;
  receivedAt: string;
  data: unknown;
}

export interface InterimLine {
  speaker: string;
  segmentId: string;
  text: string;
}

export interface DebugFrame {
  at: string;
  message: string;
  category: string | null;
}

const debugLimit = 300;

export function toLiveEvent(e: StoredEvent): LiveEvent {
  return { callId: e.callId, seq: num(e.seq), id: e.id, type: e.type, at: e.at, receivedAt: e.receivedAt, data: e.data };
}

function field(data: unknown, name: string): string | null {
  if (data && typeof data === "object" && name in data) {
    const v = (data as Record<string, unknown>)[name];
    return typeof v === "string" ? v : null;
  }
  return null;
}

export class CallLog {
  private readonly seen = new Set<number>();
  private ordered: LiveEvent[] = [];
  private contiguous = 0;
  private interimBySpeaker = new Map<string, InterimLine>();
  private debugFrames: DebugFrame[] = [];
  duplicates = 0;

  /** The highest seq up to which every event is present: where a resumed stream starts. */
  get watermark(): number {
    return this.contiguous;
  }

  get events(): readonly LiveEvent[] {
    return this.ordered;
  }

  get interim(): readonly InterimLine[] {
    return [...this.interimBySpeaker.values()];
  }

  get debug(): readonly DebugFrame[] {
    return this.debugFrames;
  }

  /** The first missing seq below the highest one seen, or null when there is no hole. */
  get gap(): { after: number; before: number } | null {
    const last = this.ordered.at(-1);
    return last && last.seq > this.contiguous ? { after: this.contiguous, before: last.seq } : null;
  }

  /** Adds a durable event; returns false when it was already there. */
  add(event: LiveEvent): boolean {
    if (event.seq <= 0) {
      this.addEphemeral(event);
      return true;
    }
    if (this.seen.has(event.seq)) {
      this.duplicates++;
      return false;
    }
    this.seen.add(event.seq);
    const last = this.ordered.at(-1);
    if (!last || last.seq < event.seq) {
      this.ordered.push(event);
    } else {
      const at = this.ordered.findIndex((e) => e.seq > event.seq);
      this.ordered.splice(at, 0, event);
    }
    while (this.seen.has(this.contiguous + 1)) this.contiguous++;
    if (event.type === "transcript.final") {
      const speaker = field(event.data, "speaker");
      if (speaker) this.interimBySpeaker.delete(speaker);
    }
    return true;
  }

  private addEphemeral(event: LiveEvent): void {
    if (event.type === "transcript.interim") {
      const speaker = field(event.data, "speaker") ?? "unknown";
      this.interimBySpeaker.set(speaker, {
        speaker,
        segmentId: field(event.data, "segmentId") ?? "",
        text: field(event.data, "text") ?? "",
      });
    } else if (event.type === "debug") {
      this.debugFrames = [
        ...this.debugFrames.slice(-(debugLimit - 1)),
        { at: event.at, message: field(event.data, "message") ?? "", category: field(event.data, "category") },
      ];
    }
  }
}
