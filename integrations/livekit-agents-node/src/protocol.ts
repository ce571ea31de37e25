/** One event as it travels on the wire (docs/PROTOCOL.md, "The event envelope"). */
export interface WireEvent {
  id: string;
  callId: string;
  type: string;
  at: string;
  data: Record<string, unknown>;
  /** The W3C trace context of the span the event was reported in, when one was active. */
  traceparent?: string;
}

/** A supervisor command as the server pushes it. */
export interface SwitchboardCommand {
  commandId: string;
  callId: string;
  type: string;
  data: Record<string, unknown>;
}

/** One result of an acknowledged batch. */
export interface EventAck {
  id: string;
  callId: string;
  seq: number;
  duplicate: boolean;
}

/** Event types the server neither stores nor sequences. */
export const EPHEMERAL_TYPES: ReadonlySet<string> = new Set(['transcript.interim', 'debug', 'agent.heartbeat']);

/** What a client derives from a problem answer: which events of the batch were refused, and whether resending unchanged can help. */
export interface ProblemVerdict {
  status: number;
  invalidIndexes: number[];
  retry: boolean;
}

/**
 * Reads an RFC 9457 problem of a refused batch. 401, 403, 429 and 5xx (the store unavailable, say)
 * keep the batch for a resend after a backoff; anything else can never succeed unchanged.
 */
export function readProblem(status: number, problem: unknown): ProblemVerdict {
  const invalid = (problem as { invalidEvents?: Array<{ index?: unknown }> } | null)?.invalidEvents;
  const invalidIndexes = Array.isArray(invalid)
    ? invalid.map((e) => e?.index).filter((i): i is number => typeof i === 'number')
    : [];
  return { status, invalidIndexes: [...new Set(invalidIndexes)], retry: [401, 403, 429].includes(status) || status >= 500 };
}

/** Reads one text message of the agent socket; undefined when it is not a frame this client knows. */
export function readSocketFrame(text: string):
  | { op: 'ack'; ref: string; results: EventAck[] }
  | { op: 'rejected'; ref: string; problem: unknown }
  | { op: 'command'; command: SwitchboardCommand }
  | { op: 'pong'; ref?: string }
  | undefined {
  let frame: Record<string, unknown>;
  try {
    frame = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (frame === null || typeof frame !== 'object') return undefined;
  switch (frame.op) {
    case 'ack':
      return typeof frame.ref === 'string' && Array.isArray(frame.results)
        ? { op: 'ack', ref: frame.ref, results: frame.results as EventAck[] }
        : undefined;
    case 'rejected':
      return typeof frame.ref === 'string' ? { op: 'rejected', ref: frame.ref, problem: frame.problem } : undefined;
    case 'command': {
      const c = frame.command as Partial<SwitchboardCommand> | undefined;
      if (!c || typeof c.commandId !== 'string' || typeof c.callId !== 'string' || typeof c.type !== 'string') return undefined;
      const data = c.data && typeof c.data === 'object' ? c.data : {};
      return { op: 'command', command: { commandId: c.commandId, callId: c.callId, type: c.type, data } };
    }
    case 'pong':
      return { op: 'pong', ref: typeof frame.ref === 'string' ? frame.ref : undefined };
    default:
      return undefined;
  }
}

/** The body of `POST /api/v1/events`. */
export function httpBatchBody(events: WireEvent[]): { events: WireEvent[] } {
  return { events };
}

/** An `events` message of the agent socket. */
export function socketBatchFrame(ref: string, events: WireEvent[]): { op: 'events'; ref: string; events: WireEvent[] } {
  return { op: 'events', ref, events };
}

/** The `command.acked` event that acknowledges a command; its id is derived from the command's, so a resent acknowledgement is stored once. */
export function commandAck(command: Pick<SwitchboardCommand, 'commandId' | 'callId'>, ok: boolean, error?: string): Omit<WireEvent, 'at'> {
  const data: Record<string, unknown> = { commandId: command.commandId, ok };
  if (error) data.error = error.slice(0, 2000);
  return { id: `ack-${command.commandId}`, callId: command.callId, type: 'command.acked', data };
}
