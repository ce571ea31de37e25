// The part of EventSource the stores use, so tests can drive them with a fake.
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((this: EventSourceLike, ev: Event) => unknown) | null;
  onerror: ((this: EventSourceLike, ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (ev: MessageEvent<string>) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSED = 2;

export const browserEventSource: EventSourceFactory = (url) =>
  new EventSource(url, { withCredentials: true }) as unknown as EventSourceLike;

export type StreamStatus = "connecting" | "live" | "reconnecting" | "closed";

/** Calls back at most once per animation frame (or macrotask outside a browser). */
export function frameScheduler(run: () => void): () => void {
  let pending = false;
  const raf: (cb: () => void) => void =
    typeof requestAnimationFrame === "function" ? (cb) => requestAnimationFrame(() => cb()) : (cb) => setTimeout(cb, 16);
  return () => {
    if (pending) return;
    pending = true;
    raf(() => {
      pending = false;
      run();
    });
  };
}
