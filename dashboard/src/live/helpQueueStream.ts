// The live help queue: the pending requests now (snapshot), then every change to a request. A
// request that is no longer pending leaves the list. Reconnects get a fresh snapshot.
import { num, type HelpRequestView } from "../api/types";
import { CLOSED, frameScheduler, type EventSourceFactory, type EventSourceLike, type StreamStatus } from "./eventSource";

export interface QueuedRequest {
  view: HelpRequestView;
  /** Local time (ms) at which the caller started holding, from the server's hold time at receipt. */
  holdingSince: number;
}

export interface HelpQueueSnapshot {
  status: StreamStatus;
  requests: readonly QueuedRequest[];
  /** Ids of requests that arrived after the first snapshot, newest last. */
  arrivals: readonly string[];
  /** Requests this page showed that have since closed (answered, timed out, cancelled), newest first. */
  closed: readonly HelpRequestView[];
}

/** How many closed requests the queue keeps showing. */
export const closedLimit = 20;

export const pendingStatuses = new Set(["open", "claimed"]);

export class HelpQueueStream {
  private readonly requests = new Map<string, QueuedRequest>();
  private readonly listeners = new Set<() => void>();
  private readonly notify: () => void;
  private arrivals: string[] = [];
  private closed: HelpRequestView[] = [];
  private source: EventSourceLike | null = null;
  private status: StreamStatus = "connecting";
  private retry: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private snapshotTaken = false;
  private snapshot: HelpQueueSnapshot | null = null;

  constructor(
    private readonly url: string,
    private readonly open: EventSourceFactory,
    private readonly now: () => number = Date.now,
    schedule: (notify: () => void) => () => void = frameScheduler,
  ) {
    this.notify = schedule(() => {
      this.snapshot = null;
      for (const l of this.listeners) l();
    });
  }

  start(): void {
    const source = this.open(this.url);
    this.source = source;
    source.onerror = () => {
      if (this.source !== source) return;
      this.setStatus("reconnecting");
      if (source.readyState === CLOSED) this.reopenLater();
    };
    source.addEventListener("snapshot", (ev) => {
      if (this.source !== source) return;
      const list = JSON.parse(ev.data) as HelpRequestView[];
      const before = new Set(this.requests.keys());
      this.requests.clear();
      for (const v of list) this.put(v);
      // Requests that came while disconnected are arrivals too; the very first snapshot is not.
      if (this.snapshotTaken) for (const v of list) if (!before.has(v.request.id)) this.arrivals.push(v.request.id);
      this.snapshotTaken = true;
      this.attempt = 0;
      this.setStatus("live");
      this.notify();
    });
    source.addEventListener("request", (ev) => {
      if (this.source !== source) return;
      const v = JSON.parse(ev.data) as HelpRequestView;
      if (pendingStatuses.has(v.request.status)) {
        if (!this.requests.has(v.request.id)) this.arrivals.push(v.request.id);
        this.put(v);
      } else if (this.requests.delete(v.request.id)) {
        // One this page was showing: say what became of it rather than let it vanish.
        this.closed = [v, ...this.closed.filter((c) => c.request.id !== v.request.id)].slice(0, closedLimit);
      }
      this.notify();
    });
    source.addEventListener("resume", () => {
      if (this.source !== source) return;
      source.close();
      this.start();
    });
  }

  stop(): void {
    if (this.retry) clearTimeout(this.retry);
    this.source?.close();
    this.source = null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): HelpQueueSnapshot => {
    this.snapshot ??= {
      status: this.status,
      requests: [...this.requests.values()].sort((a, b) => a.holdingSince - b.holdingSince),
      arrivals: [...this.arrivals],
      closed: this.closed,
    };
    return this.snapshot;
  };

  private put(view: HelpRequestView): void {
    const known = this.requests.get(view.request.id);
    this.requests.set(view.request.id, { view, holdingSince: known?.holdingSince ?? this.now() - num(view.holdSeconds) * 1000 });
  }

  private reopenLater(): void {
    this.source?.close();
    this.source = null;
    this.retry = setTimeout(() => this.start(), Math.min(5000, 250 * 2 ** this.attempt++));
  }

  private setStatus(status: StreamStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.notify();
  }
}
