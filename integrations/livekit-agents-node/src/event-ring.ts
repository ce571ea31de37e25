import type { SpanContext } from '@opentelemetry/api';

/** One reported event as `report()` leaves it: no id, no timestamp text and no JSON yet. */
export interface RingSlot {
  /** Report order across both rings of a reporter. */
  seq: number;
  callId: string;
  type: string;
  data: Record<string, unknown> | undefined;
  /** Milliseconds since the epoch. */
  at: number;
  id: string | undefined;
  queuedAt: number;
  /** The span active when the event was reported (OpenTelemetry), formatted when it is sent. */
  trace: SpanContext | undefined;
}

/**
 * A fixed ring of preallocated slots. `report()` writes the caller's values into the next slot and
 * returns; nothing is allocated on the caller's stack, so a report never pays for a collection it
 * caused, and the id, the ISO timestamp and the JSON are made later by the send loop.
 */
export class EventRing {
  private readonly slots: RingSlot[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    // The times start as doubles (NaN), not 0: a slot first made with a small integer would change
    // its fields' representation on the first Date.now() written into it, and V8 would migrate every
    // slot, and drop report()'s optimised code, as the ring reaches it the first time.
    this.slots = Array.from({ length: capacity }, () => ({ seq: 0, callId: '', type: '', data: undefined, at: Number.NaN, id: undefined, queuedAt: Number.NaN, trace: undefined }));
  }

  get length(): number { return this.count; }

  /** Writes one event behind the last; the caller keeps the ring below its capacity. */
  push(seq: number, callId: string, type: string, data: Record<string, unknown>, at: number, id: string | undefined, queuedAt: number, trace: SpanContext | undefined): void {
    const slot = this.slots[(this.head + this.count) % this.capacity];
    slot.seq = seq; slot.callId = callId; slot.type = type; slot.data = data; slot.at = at; slot.id = id; slot.queuedAt = queuedAt; slot.trace = trace;
    this.count++;
  }

  /** The oldest slot, valid until the next `shift`/`push`; undefined when empty. */
  peek(): RingSlot | undefined {
    return this.count > 0 ? this.slots[this.head] : undefined;
  }

  /** Forgets the oldest slot (its data is released for collection). */
  shift(): void {
    if (this.count === 0) return;
    this.slots[this.head].data = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }
}
