// A scripted EventSource for unit tests.
import { CLOSED, CONNECTING, OPEN, type EventSourceLike } from "./eventSource";

export class FakeEventSource implements EventSourceLike {
  readyState = CONNECTING;
  onopen: EventSourceLike["onopen"] = null;
  onerror: EventSourceLike["onerror"] = null;
  private readonly handlers = new Map<string, ((ev: MessageEvent<string>) => void)[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (ev: MessageEvent<string>) => void): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = CLOSED;
  }

  opened(): void {
    this.readyState = OPEN;
    this.onopen?.call(this, new Event("open"));
  }

  emit(type: string, data: unknown): void {
    const ev = { data: JSON.stringify(data) } as MessageEvent<string>;
    for (const h of this.handlers.get(type) ?? []) h(ev);
  }

  /** A network break: the browser will retry by itself (CONNECTING) or has given up (CLOSED). */
  fail(state: typeof CONNECTING | typeof CLOSED): void {
    this.readyState = state;
    this.onerror?.call(this, new Event("error"));
  }
}
