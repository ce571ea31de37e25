// The live stream of one call: history, then live events, over SSE. Resumes from the last seq it
// holds after any break (the browser's own retry, a closed connection, or the server's `resume`
// frame), drops what it already has, and backfills a hole from the history API.
import type { StoredEvent } from "../api/types";
import { CallLog, toLiveEvent, type DebugFrame, type InterimLine, type LiveEvent } from "./callLog";
import { CLOSED, CONNECTING, frameScheduler, type EventSourceFactory, type EventSourceLike, type StreamStatus } from "./eventSource";
import { durableTypes, ephemeralTypes } from "./eventTypes";

export interface CallStreamSnapshot {
  status: StreamStatus;
  caughtUp: boolean;
  events: readonly LiveEvent[];
  interim: readonly InterimLine[];
  debug: readonly DebugFrame[];
  lastSeq: number;
  duplicatesDropped: number;
  reconnects: number;
}

export type HistoryFetcher = (callId: string, after: number, limit: number) => Promise<StoredEvent[]>;

export interface CallStreamOptions {
  open: EventSourceFactory;
  history?: HistoryFetcher;
  schedule?: (notify: () => void) => () => void;
  retryMs?: (attempt: number) => number;
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
}

const defaultTimers = {
  set: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clear: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class CallStream {
  private readonly log = new CallLog();
  private readonly listeners = new Set<() => void>();
  private readonly notify: () => void;
  private source: EventSourceLike | null = null;
  private status: StreamStatus = "connecting";
  private caughtUp = false;
  private reconnects = 0;
  private attempt = 0;
  private retryHandle: unknown = null;
  private backfilling = false;
  private stopped = false;
  private snapshot: CallStreamSnapshot | null = null;

  constructor(
    readonly callId: string,
    private readonly options: CallStreamOptions,
  ) {
    const emit = () => {
      this.snapshot = null;
      for (const l of this.listeners) l();
    };
    this.notify = (options.schedule ?? frameScheduler)(emit);
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    (this.options.timers ?? defaultTimers).clear(this.retryHandle);
    this.source?.close();
    this.source = null;
    this.setStatus("closed");
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): CallStreamSnapshot => {
    this.snapshot ??= {
      status: this.status,
      caughtUp: this.caughtUp,
      events: [...this.log.events],
      interim: this.log.interim,
      debug: this.log.debug,
      lastSeq: this.log.watermark,
      duplicatesDropped: this.log.duplicates,
      reconnects: this.reconnects,
    };
    return this.snapshot;
  };

  /** Where the next connection starts: every event up to here is held. */
  get resumePoint(): number {
    return this.log.watermark;
  }

  private url(): string {
    const base = `/api/v1/calls/${encodeURIComponent(this.callId)}/stream`;
    return this.log.watermark > 0 ? `${base}?after=${this.log.watermark}` : base;
  }

  private connect(): void {
    if (this.stopped) return;
    const source = this.options.open(this.url());
    this.source = source;
    source.onopen = () => {
      this.attempt = 0;
    };
    source.onerror = () => {
      if (this.source !== source) return;
      if (source.readyState === CONNECTING) {
        // The browser retries by itself and sends Last-Event-ID.
        this.caughtUp = false;
        this.setStatus("reconnecting");
      } else if (source.readyState === CLOSED) {
        this.reopenLater();
      }
    };
    const onDurable = (ev: MessageEvent<string>) => {
      if (this.source === source) this.receive(ev.data);
    };
    for (const type of durableTypes) source.addEventListener(type, onDurable);
    for (const type of ephemeralTypes) source.addEventListener(type, onDurable);
    source.addEventListener("caught-up", () => {
      if (this.source !== source) return;
      this.caughtUp = true;
      this.attempt = 0;
      this.setStatus("live");
    });
    source.addEventListener("resume", () => {
      // The server cut us because we fell behind: reconnect from what we hold.
      if (this.source !== source) return;
      this.reopenNow();
    });
  }

  private reopenNow(): void {
    this.source?.close();
    this.source = null;
    this.reconnects++;
    this.caughtUp = false;
    this.setStatus("reconnecting");
    this.connect();
  }

  private reopenLater(): void {
    this.source?.close();
    this.source = null;
    this.caughtUp = false;
    this.setStatus("reconnecting");
    const delay = this.options.retryMs?.(this.attempt) ?? Math.min(5000, 250 * 2 ** this.attempt);
    this.attempt++;
    const timers = this.options.timers ?? defaultTimers;
    this.retryHandle = timers.set(() => {
      this.reconnects++;
      this.connect();
    }, delay);
  }

  private receive(raw: string): void {
    let stored: StoredEvent;
    try {
      stored = JSON.parse(raw) as StoredEvent;
    } catch {
      return;
    }
    const event = toLiveEvent(stored);
    if (event.callId !== this.callId) return;
    this.log.add(event);
    this.notify();
    if (this.log.gap) void this.backfill();
  }

  /** A hole (an event type this client does not listen to, say) is filled from the history API. */
  private async backfill(): Promise<void> {
    const history = this.options.history;
    if (!history || this.backfilling) return;
    this.backfilling = true;
    try {
      let gap = this.log.gap;
      while (gap && !this.stopped) {
        const page = await history(this.callId, gap.after, Math.min(1000, gap.before - gap.after));
        if (page.length === 0) break;
        for (const e of page) this.log.add(toLiveEvent(e));
        this.notify();
        const next = this.log.gap;
        if (next && next.after === gap.after) break;
        gap = next;
      }
    } catch {
      // The next event or reconnection tries again.
    } finally {
      this.backfilling = false;
    }
  }

  private setStatus(status: StreamStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.notify();
  }
}
