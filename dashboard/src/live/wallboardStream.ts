// The wallboard's live set of active calls: a snapshot on every (re)connection, then per-call
// changes and ends; and the fleet's latency against the budget, in the snapshot and on each change.
import type { FleetLatency, WallboardCall } from "../api/types";
import { CLOSED, CONNECTING, frameScheduler, type EventSourceFactory, type EventSourceLike, type StreamStatus } from "./eventSource";

export interface WallboardSnapshot {
  status: StreamStatus;
  calls: readonly WallboardCall[];
  updates: number;
  /** Per stage, the p95 of every call's turns of the last 5 minutes; null until the server sent it. */
  latency: FleetLatency | null;
}

export class WallboardStream {
  private readonly calls = new Map<string, WallboardCall>();
  private readonly listeners = new Set<() => void>();
  private readonly notify: () => void;
  private source: EventSourceLike | null = null;
  private status: StreamStatus = "connecting";
  private updates = 0;
  private latency: FleetLatency | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private snapshot: WallboardSnapshot | null = null;

  constructor(
    private readonly open: EventSourceFactory,
    schedule: (notify: () => void) => () => void = frameScheduler,
  ) {
    this.notify = schedule(() => {
      this.snapshot = null;
      for (const l of this.listeners) l();
    });
  }

  start(): void {
    const source = this.open("/api/v1/wallboard/stream");
    this.source = source;
    source.onerror = () => {
      if (this.source !== source) return;
      this.setStatus("reconnecting");
      if (source.readyState === CLOSED) {
        source.close();
        this.retry = setTimeout(() => this.start(), Math.min(5000, 250 * 2 ** this.attempt++));
      } else if (source.readyState !== CONNECTING) {
        source.close();
      }
    };
    source.addEventListener("snapshot", (ev) => {
      const body = JSON.parse(ev.data) as { calls?: WallboardCall[]; latency?: FleetLatency | null };
      this.calls.clear();
      for (const c of body.calls ?? []) this.calls.set(c.callId, c);
      this.latency = body.latency ?? null;
      this.attempt = 0;
      this.updates++;
      this.setStatus("live");
      this.notify();
    });
    source.addEventListener("call", (ev) => {
      const c = JSON.parse(ev.data) as WallboardCall;
      this.calls.set(c.callId, c);
      this.updates++;
      this.notify();
    });
    source.addEventListener("latency", (ev) => {
      this.latency = JSON.parse(ev.data) as FleetLatency;
      this.notify();
    });
    source.addEventListener("call-ended", (ev) => {
      const c = JSON.parse(ev.data) as WallboardCall;
      this.calls.delete(c.callId);
      this.updates++;
      this.notify();
    });
  }

  stop(): void {
    if (this.retry) clearTimeout(this.retry);
    this.source?.close();
    this.source = null;
    this.status = "closed";
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): WallboardSnapshot => {
    this.snapshot ??= { status: this.status, calls: [...this.calls.values()], updates: this.updates, latency: this.latency };
    return this.snapshot;
  };

  private setStatus(status: StreamStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.notify();
  }
}
