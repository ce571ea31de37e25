import { randomUUID } from 'node:crypto';
import { isSpanContextValid, trace, type SpanContext } from '@opentelemetry/api';
import WebSocket from 'ws';
import { EventRing } from './event-ring.js';
import { EPHEMERAL_TYPES, readProblem, readSocketFrame, type SwitchboardCommand, type WireEvent } from './protocol.js';

/** Where {@link attach} puts its events; a {@link Reporter}, or a recorder in tests. */
export interface EventSink {
  openCall(callId: string, onCommand: (command: SwitchboardCommand) => void): void;
  closeCall(callId: string): void;
  report(callId: string, type: string, data: Record<string, unknown>, at?: Date, id?: string): void;
  flush(timeoutMs?: number): Promise<boolean>;
  close(timeoutMs?: number): Promise<void>;
}

/** How the reporter reaches the server. */
export interface ReporterOptions {
  /** The server, for example `http://localhost:5000`. */
  serverUrl: string;
  /** An API key of scope `agent`. */
  apiKey: string;
  /** `auto` (WebSocket, HTTP batches while a proxy refuses the upgrade), `websocket` or `http`. */
  transport?: 'auto' | 'websocket' | 'http';
  /** Events held in memory at most, queued and in flight together (10,000). */
  maxQueuedEvents?: number;
  /** Events per batch at most (500, at most 1,000). */
  maxBatchEvents?: number;
  /** A quiet call sends `agent.heartbeat` this often (15,000 ms). */
  heartbeatMs?: number;
  /** A batch not acknowledged within this is sent again on a new connection (30,000 ms). */
  ackTimeoutMs?: number;
  /** Reconnect backoff bounds (250 ms and 30,000 ms). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Ephemeral events older than this when they could be sent are dropped (10,000 ms). */
  ephemeralMaxAgeMs?: number;
  /** Told about delivery problems; never required. */
  log?: (message: string) => void;
}

/** Counters of what the reporter did. */
export interface ReporterStatistics {
  reported: number;
  acknowledged: number;
  droppedEphemeral: number;
  droppedDurable: number;
  refused: number;
  reconnects: number;
  connected: boolean;
  transport: 'websocket' | 'http' | 'none';
}

/** An event of the batch in flight: its id and timestamp fixed, its JSON made once. */
interface Sending {
  event: WireEvent;
  json: string;
}

const FALLBACK_MS = 5 * 60_000;
const MAX_BATCH_BYTES = 1024 * 1024;

/**
 * Holds reported events in a bounded buffer and delivers them in order, one batch in flight, over the
 * agent WebSocket or HTTP batches. `report` never blocks and never throws; all network work runs on a
 * background loop.
 *
 * `report` only writes into a preallocated ring (durable and ephemeral events in two rings, so the
 * oldest ephemeral one is dropped in constant time) and wakes the loop. The event id (a UUID, whose
 * entropy pool refills every 128 ids), the ISO timestamp (tens of microseconds when the loop comes
 * back from idle) and the JSON are made by the loop when it takes a batch, after the caller's
 * callback has returned.
 */
export class Reporter implements EventSink {
  readonly statistics: ReporterStatistics = {
    reported: 0, acknowledged: 0, droppedEphemeral: 0, droppedDurable: 0, refused: 0, reconnects: 0, connected: false, transport: 'none',
  };
  private readonly durable: EventRing;
  private readonly ephemeral: EventRing;
  private seq = 0;
  private inFlight: Sending[] = [];
  private readonly calls = new Map<string, { lastReportAt: number; open: boolean }>();
  private readonly drops = new Map<string, { ephemeral: number; durable: number }>();
  private readonly commandHandlers = new Map<string, (command: SwitchboardCommand) => void>();
  private readonly o: Required<Omit<ReporterOptions, 'log'>> & { log: (m: string) => void };
  private socket: WebSocket | undefined;
  private pendingAck: { ref: string; resolve: (v: { ok: true } | { ok: false; problem: unknown }) => void } | undefined;
  private wake: (() => void) | undefined;
  private flushWaiters: Array<() => void> = [];
  private httpUntil = 0;
  private attempt = 0;
  private stopped = false;
  private readonly loop: Promise<void>;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(options: ReporterOptions) {
    const problems: string[] = [];
    if (!/^https?:\/\//.test(options.serverUrl ?? '')) problems.push('serverUrl must be an http:// or https:// address');
    if (!options.apiKey) problems.push('apiKey is required (keys create --scope agent)');
    const maxBatch = options.maxBatchEvents ?? 500;
    const maxQueued = options.maxQueuedEvents ?? 10_000;
    if (maxBatch < 1 || maxBatch > 1000) problems.push('maxBatchEvents must be 1 to 1,000');
    if (maxQueued < 2 * maxBatch) problems.push('maxQueuedEvents must be at least twice maxBatchEvents');
    if (problems.length > 0) throw new Error(`Invalid Switchboard options: ${problems.join('; ')}`);
    this.o = {
      serverUrl: options.serverUrl.replace(/\/+$/, ''), apiKey: options.apiKey, transport: options.transport ?? 'auto',
      maxQueuedEvents: maxQueued, maxBatchEvents: maxBatch, heartbeatMs: options.heartbeatMs ?? 15_000,
      ackTimeoutMs: options.ackTimeoutMs ?? 30_000, reconnectMinMs: options.reconnectMinMs ?? 250,
      reconnectMaxMs: options.reconnectMaxMs ?? 30_000, ephemeralMaxAgeMs: options.ephemeralMaxAgeMs ?? 10_000,
      log: options.log ?? (() => {}),
    };
    this.durable = new EventRing(maxQueued);
    this.ephemeral = new EventRing(maxQueued);
    if (this.o.transport === 'http') this.httpUntil = Number.POSITIVE_INFINITY;
    this.heartbeat = setInterval(() => this.beat(), Math.max(50, this.o.heartbeatMs / 2));
    this.heartbeat.unref();
    this.loop = this.run();
  }

  /** Starts serving a call: its commands go to `onCommand`, and it gets heartbeats while quiet. */
  openCall(callId: string, onCommand: (command: SwitchboardCommand) => void): void {
    this.calls.set(callId, { lastReportAt: Date.now(), open: true });
    this.commandHandlers.set(callId, onCommand);
    this.sendFrame({ op: 'subscribe', callIds: [callId] });
  }

  /** Stops heartbeats for a call (its commands still arrive until the reporter closes). */
  closeCall(callId: string): void {
    const call = this.calls.get(callId);
    if (call) call.open = false;
  }

  /** Queues one event. Never blocks, never throws; when the buffer is full the oldest ephemeral (else durable) event is dropped and counted. */
  report(callId: string, type: string, data: Record<string, unknown>, at?: Date, id?: string): void {
    this.statistics.reported++;
    const now = Date.now();
    const call = this.calls.get(callId);
    if (call) call.lastReportAt = now;
    if (this.queued + this.inFlight.length >= this.o.maxQueuedEvents && this.queued > 0) {
      const victims = this.ephemeral.length > 0 ? this.ephemeral : this.durable;
      this.countDrop(victims.peek()!.callId, victims === this.durable);
      victims.shift();
    }
    const ring = EPHEMERAL_TYPES.has(type) ? this.ephemeral : this.durable;
    // The span active now (LiveKit Agents' own turn spans, when the agent traces with OpenTelemetry).
    ring.push(this.seq++, callId, type, data, at instanceof Date ? at.getTime() : now, id, now, trace.getActiveSpan()?.spanContext());
    this.wake?.();
  }

  private get queued(): number { return this.durable.length + this.ephemeral.length; }

  /** Resolves once everything reported before it was acknowledged or dropped, or after `timeoutMs`. */
  flush(timeoutMs = 5_000): Promise<boolean> {
    if (this.queued === 0 && this.inFlight.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.flushWaiters.push(() => { clearTimeout(timer); resolve(true); });
    });
  }

  /** Flushes for up to `timeoutMs`, then stops the loop and closes the socket. */
  async close(timeoutMs = 5_000): Promise<void> {
    await this.flush(timeoutMs);
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.socket?.close();
    this.pendingAck?.resolve({ ok: false, problem: undefined });
    this.wake?.();
    await this.loop;
  }

  private countDrop(callId: string, durable: boolean): void {
    const d = this.drops.get(callId) ?? { ephemeral: 0, durable: 0 };
    if (durable) { d.durable++; this.statistics.droppedDurable++; } else { d.ephemeral++; this.statistics.droppedEphemeral++; }
    this.drops.set(callId, d);
  }

  private beat(): void {
    const now = Date.now();
    for (const [callId, call] of this.calls) {
      if (call.open && now - call.lastReportAt >= this.o.heartbeatMs * 0.9) this.report(callId, 'agent.heartbeat', {});
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.queued === 0 && this.inFlight.length === 0) {
        for (const w of this.flushWaiters.splice(0)) w();
        // A quiet call still needs a connection, or its commands would wait for its next event.
        const serving = [...this.calls.values()].some((c) => c.open);
        if (serving && Date.now() >= this.httpUntil && this.socket?.readyState !== WebSocket.OPEN) {
          if (await this.connect()) this.attempt = 0;
          else await this.backoff();
          continue;
        }
        await new Promise<void>((resolve) => { this.wake = resolve; });
        this.wake = undefined;
        continue;
      }
      if (this.inFlight.length === 0) this.takeBatch();
      if (this.inFlight.length === 0) continue;
      const useHttp = Date.now() < this.httpUntil;
      const outcome = useHttp ? await this.sendHttp() : await this.sendSocket();
      if (outcome === 'acked') {
        this.attempt = 0;
        this.statistics.acknowledged += this.inFlight.length;
        this.inFlight = [];
        this.reportDrops();
      } else if (outcome === 'retry' && !this.stopped) {
        await this.backoff();
      }
    }
  }

  /** Moves the oldest events, in report order across both rings, into the batch in flight. */
  private takeBatch(): void {
    const now = Date.now();
    let bytes = 0;
    while (this.inFlight.length < this.o.maxBatchEvents) {
      const d = this.durable.peek();
      const e = this.ephemeral.peek();
      const ring = d && (!e || d.seq < e.seq) ? this.durable : e ? this.ephemeral : undefined;
      if (!ring) break;
      const slot = ring.peek()!;
      const durable = ring === this.durable;
      if (!durable && now - slot.queuedAt > this.o.ephemeralMaxAgeMs) {
        this.countDrop(slot.callId, false);
        ring.shift();
        continue;
      }
      let event: WireEvent;
      let json: string;
      try {
        // Fixed once, so a resend or a batch cut by size carries the same id.
        slot.id ??= `${slot.type.startsWith('x-') ? 'x' : slot.type.split('.')[0]}-${randomUUID()}`;
        event = { id: slot.id, callId: slot.callId, type: slot.type, at: isoTime(slot.at, slot.queuedAt), data: slot.data ?? {} };
        if (slot.trace) {
          const traceparent = traceparentOf(slot.trace);
          if (traceparent) event.traceparent = traceparent;
        }
        json = JSON.stringify(event);
      } catch (error) {
        // A cycle or a BigInt in data, or (from plain JavaScript) a type that is not text.
        this.o.log(`Switchboard cannot send ${String(slot.type)} ${String(slot.id)}: ${(error as Error).message}`);
        this.statistics.refused++;
        ring.shift();
        continue;
      }
      const size = Buffer.byteLength(json);
      if (this.inFlight.length > 0 && bytes + size > MAX_BATCH_BYTES - 1024) break;
      bytes += size;
      this.inFlight.push({ event, json });
      ring.shift();
    }
  }

  private reportDrops(): void {
    for (const [callId, d] of this.drops) {
      this.drops.delete(callId);
      this.report(callId, 'x-sdk.dropped', { ephemeral: d.ephemeral, durable: d.durable });
    }
  }

  /** Drops the refused events of the batch in flight; the rest is sent again at once. */
  private applyRefusal(status: number, problem: unknown): 'retry' | 'resend' {
    const verdict = readProblem(status, problem);
    if (verdict.retry) return 'retry';
    const refused = new Set(verdict.invalidIndexes.length > 0 ? verdict.invalidIndexes : this.inFlight.map((_, i) => i));
    this.o.log(`Switchboard refused ${refused.size} event(s) (${status}): ${JSON.stringify(problem)}`);
    this.statistics.refused += refused.size;
    this.inFlight = this.inFlight.filter((_, i) => !refused.has(i));
    return 'resend';
  }

  private async sendHttp(): Promise<'acked' | 'retry' | 'resend'> {
    this.statistics.transport = 'http';
    try {
      const response = await fetch(`${this.o.serverUrl}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.o.apiKey}`, 'content-type': 'application/json' },
        body: `{"events":[${this.inFlight.map((q) => q.json).join(',')}]}`,
        signal: AbortSignal.timeout(this.o.ackTimeoutMs),
      });
      this.statistics.connected = true;
      if (response.ok) { await response.arrayBuffer(); return 'acked'; }
      const problem = await response.json().catch(() => undefined);
      return this.applyRefusal(response.status, problem);
    } catch (error) {
      this.statistics.connected = false;
      this.o.log(`Switchboard unreachable: ${(error as Error).message}`);
      return 'retry';
    }
  }

  private async sendSocket(): Promise<'acked' | 'retry' | 'resend'> {
    const socket = await this.connect();
    if (!socket) return Date.now() < this.httpUntil ? 'resend' : 'retry';
    const ref = randomUUID();
    const answer = new Promise<{ ok: true } | { ok: false; problem: unknown }>((resolve) => { this.pendingAck = { ref, resolve }; });
    const timer = setTimeout(() => { this.o.log('Switchboard did not acknowledge in time; reconnecting'); socket.terminate(); }, this.o.ackTimeoutMs);
    socket.send(`{"op":"events","ref":"${ref}","events":[${this.inFlight.map((q) => q.json).join(',')}]}`);
    const result = await answer;
    clearTimeout(timer);
    this.pendingAck = undefined;
    if (result.ok) return 'acked';
    if (result.problem === undefined) return 'retry';
    const status = (result.problem as { status?: unknown }).status;
    return this.applyRefusal(typeof status === 'number' ? status : 400, result.problem);
  }

  private connect(): Promise<WebSocket | undefined> {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    const url = this.o.serverUrl.replace(/^http/, 'ws') + '/api/v1/agent/ws';
    return new Promise((resolve) => {
      const socket = new WebSocket(url, { headers: { authorization: `Bearer ${this.o.apiKey}` }, handshakeTimeout: this.o.ackTimeoutMs });
      let settled = false;
      socket.on('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        if (this.o.transport === 'auto' && status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status)) {
          this.o.log(`Switchboard's WebSocket was refused (${status}); sending HTTP batches for five minutes`);
          this.httpUntil = Date.now() + FALLBACK_MS;
        }
        res.resume();
        socket.terminate();
      });
      socket.on('open', () => {
        settled = true;
        this.socket = socket;
        this.statistics.connected = true;
        this.statistics.transport = 'websocket';
        const callIds = [...this.calls.keys()];
        if (callIds.length > 0) socket.send(JSON.stringify({ op: 'subscribe', callIds }));
        resolve(socket);
      });
      socket.on('message', (raw) => this.onFrame(raw.toString()));
      socket.on('error', (error) => this.o.log(`Switchboard socket: ${error.message}`));
      socket.on('close', () => {
        if (this.socket === socket) { this.socket = undefined; this.statistics.connected = false; this.statistics.reconnects++; }
        this.pendingAck?.resolve({ ok: false, problem: undefined });
        this.wake?.();
        if (!settled) { settled = true; resolve(undefined); }
      });
    });
  }

  private onFrame(text: string): void {
    const frame = readSocketFrame(text);
    if (!frame) return;
    if (frame.op === 'ack' && this.pendingAck?.ref === frame.ref) this.pendingAck.resolve({ ok: true });
    else if (frame.op === 'rejected' && this.pendingAck?.ref === frame.ref) this.pendingAck.resolve({ ok: false, problem: frame.problem ?? {} });
    else if (frame.op === 'command') this.commandHandlers.get(frame.command.callId)?.(frame.command);
  }

  private sendFrame(frame: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private async backoff(): Promise<void> {
    const ceiling = Math.min(this.o.reconnectMaxMs, this.o.reconnectMinMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.wake = () => { if (this.stopped) { clearTimeout(timer); resolve(); } };
    });
    this.wake = undefined;
  }
}

/** The ISO 8601 form of `at`, or of `fallback` when `at` was an invalid Date. */
function isoTime(at: number, fallback: number): string {
  return new Date(Number.isFinite(at) ? at : fallback).toISOString();
}

/** The W3C `traceparent` of a valid span context (`00-{trace id}-{span id}-{flags}`). */
export function traceparentOf(context: SpanContext): string | undefined {
  if (!isSpanContextValid(context)) return undefined;
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
