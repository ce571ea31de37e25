import { llm, voice } from '@livekit/agents';
import { randomUUID } from 'node:crypto';
import { commandAck, type SwitchboardCommand } from './protocol.js';
import { Reporter, type EventSink, type ReporterOptions } from './reporter.js';
import { TurnMetricsCollector } from './turn-metrics.js';

/** The part of a LiveKit room the integration reads (a `JobContext.room` is one). */
export interface RoomLike {
  name?: string;
  getSid?(): Promise<string>;
  on?(event: string, listener: (...args: any[]) => void): unknown;
  off?(event: string, listener: (...args: any[]) => void): unknown;
  remoteParticipants?: Map<string, { identity: string; name?: string; kind?: number }>;
}

/** Options of {@link attach}. */
export interface AttachOptions extends ReporterOptions {
  /** The call id; by default the room's SID (`RM_…`). */
  callId?: string;
  /** Named in `call.started`; by default the first agent's id. */
  agentName?: string;
  direction?: 'inbound' | 'outbound' | 'web';
  caller?: { number?: string; identity?: string; name?: string };
  metadata?: Record<string, unknown>;
  /** Words said to the caller when the agent asks a supervisor (`ask_supervisor`). */
  holdMessage?: string;
  /** How long `ask_supervisor` waits for a human (45,000 ms). */
  escalationTimeoutMs?: number;
  /** Carries out a `transfer` command; without it a transfer is acknowledged as failed. */
  onTransfer?: (destination: string, mode: string) => Promise<void>;
  /** A reporter to share between sessions of one process; by default one of its own. */
  reporter?: EventSink;
}

/** What {@link attach} returns. */
export interface Supervision {
  readonly callId: string;
  readonly reporter: EventSink;
  /** True while a supervisor holds the call (between `pause` and `resume`). */
  readonly paused: boolean;
  /** Add to the agent's tools: asks a supervisor and returns the answer. */
  readonly askSupervisorTool: llm.FunctionTool<any, any, any>;
  /** Asks a supervisor directly; resolves with the outcome. */
  escalate(question: string, topic?: string, context?: string): Promise<EscalationResult>;
  /** Reports `call.ended` (if not yet), flushes and detaches. */
  close(reason?: string, detail?: string): Promise<void>;
}

export interface EscalationResult {
  outcome: 'answered' | 'no_supervisor' | 'timed_out' | 'cancelled';
  answer?: string;
  by?: string;
  reason?: string;
}

type Session = voice.AgentSession;

const CLOSE_REASONS: Record<string, string> = {
  participant_disconnected: 'caller_hangup',
  error: 'agent_error',
  user_initiated: 'completed',
  job_shutdown: 'completed',
};

/**
 * Reports a LiveKit `AgentSession` to Switchboard and carries out the supervisors' commands on it.
 * Call it before `session.start(...)`, so the first state change is seen.
 */
export async function attach(session: Session, ctx: { room?: RoomLike } | undefined, options: AttachOptions): Promise<Supervision> {
  const room = ctx?.room;
  const sid = options.callId ?? (room?.getSid ? await room.getSid() : undefined);
  if (!sid) throw new Error('attach needs options.callId or a ctx.room with a SID');
  const callId: string = sid;
  const reporter = options.reporter ?? new Reporter(options);
  const ownsReporter = options.reporter === undefined;
  const report = (type: string, data: Record<string, unknown>, at?: Date, id?: string) => reporter.report(callId, type, data, at, id);
  const metrics = new TurnMetricsCollector((turn) => report('metrics.turn', turn));
  const handledCommands = new Set<string>();
  const escalations = new Map<string, (r: EscalationResult) => void>();
  const spokenForSupervisor: string[] = [];
  let paused = false;
  let ended = false;
  let endReason: string | undefined;
  let userSegment: { id: string; startedAt: Date } | undefined;
  let persona: string | undefined;

  const call: Record<string, unknown> = {};
  if (room?.name) call.roomName = room.name;
  if (callId.startsWith('RM_')) call.roomSid = callId;
  const agentName = options.agentName ?? safe(() => session.currentAgent?.id);
  if (agentName) call.agentName = agentName;
  if (options.direction) call.direction = options.direction;
  if (options.caller) call.caller = options.caller;
  if (options.metadata) call.metadata = options.metadata;

  const onCommand = (command: SwitchboardCommand) => void handle(command);
  reporter.openCall(callId, onCommand);
  report('call.started', call);

  // The agent keeps hearing the caller while a supervisor holds the call: the turn lands in the chat
  // context, but StopResponse keeps the LLM from answering it.
  const gate = (agent: voice.Agent | undefined) => {
    if (!agent || (agent as any).__switchboardGated) return;
    const original = agent.onUserTurnCompleted.bind(agent);
    agent.onUserTurnCompleted = async (chatCtx, message) => {
      if (paused) throw new voice.StopResponse();
      return original(chatCtx, message);
    };
    (agent as any).__switchboardGated = true;
  };
  gate(safe(() => session.currentAgent));

  const listeners: Array<[string, (...args: any[]) => void]> = [
    [voice.AgentSessionEventTypes.AgentStateChanged, (ev: voice.AgentStateChangedEvent) => {
      report('agent.state', { state: ev.newState }, new Date(ev.createdAt));
      gate(safe(() => session.currentAgent));
    }],
    [voice.AgentSessionEventTypes.UserInputTranscribed, (ev: voice.UserInputTranscribedEvent) => {
      const at = new Date(ev.createdAt);
      userSegment ??= { id: ev.itemId ?? `u-${randomUUID()}`, startedAt: at };
      const data: Record<string, unknown> = { speaker: 'customer', segmentId: userSegment.id, text: ev.transcript };
      if (ev.language) data.language = ev.language;
      if (ev.isFinal) {
        data.startedAt = userSegment.startedAt.toISOString();
        data.endedAt = at.toISOString();
        report('transcript.final', data, at, `tf-${userSegment.id}`);
        userSegment = undefined;
      } else {
        report('transcript.interim', data, at);
      }
    }],
    [voice.AgentSessionEventTypes.ConversationItemAdded, (ev: voice.ConversationItemAddedEvent) => {
      const item = ev.item;
      if (item instanceof llm.AgentHandoffItem || (item as { type: string }).type === 'agent_handoff') {
        const handoff = item as llm.AgentHandoffItem;
        const data: Record<string, unknown> = { to: handoff.newAgentId };
        const from = handoff.oldAgentId ?? persona;
        if (from) data.from = from;
        persona = handoff.newAgentId;
        report('agent.handoff', data, new Date(ev.createdAt), `handoff-${handoff.id}`);
        gate(safe(() => session.currentAgent));
        return;
      }
      const message = item as llm.ChatMessage;
      if (message.role !== 'assistant') return;
      const text = message.textContent ?? '';
      const said = spokenForSupervisor.indexOf(text);
      if (said >= 0) { spokenForSupervisor.splice(said, 1); return; } // the supervisor's words, reported by the server
      if (!text) return;
      const data: Record<string, unknown> = { speaker: 'agent', segmentId: message.id, text };
      if (message.metrics?.startedSpeakingAt) data.startedAt = secondsToIso(message.metrics.startedSpeakingAt);
      if (message.metrics?.stoppedSpeakingAt) data.endedAt = secondsToIso(message.metrics.stoppedSpeakingAt);
      report('transcript.final', data, new Date(ev.createdAt), `tf-${message.id}`);
      if (typeof message.metrics?.e2eLatency === 'number') metrics.e2e(message.metrics.e2eLatency * 1000);
    }],
    [voice.AgentSessionEventTypes.FunctionToolsExecuted, (ev: voice.FunctionToolsExecutedEvent) => {
      ev.functionCalls.forEach((fc, i) => {
        const out = ev.functionCallOutputs[i];
        report('tool.called', { toolCallId: fc.callId, name: fc.name, arguments: parseJson(fc.args) }, new Date(fc.createdAt), `tc-${fc.callId}`);
        if (!out) return;
        const result: Record<string, unknown> = { toolCallId: fc.callId, name: fc.name, ok: !out.isError, durationMs: Math.max(0, out.createdAt - fc.createdAt) };
        if (out.isError) result.error = out.output.slice(0, 2000);
        else result.result = parseJson(out.output);
        report('tool.result', result, new Date(out.createdAt), `tr-${fc.callId}`);
      });
    }],
    [voice.AgentSessionEventTypes.MetricsCollected, (ev: voice.MetricsCollectedEvent) => metrics.add(ev.metrics)],
    [voice.AgentSessionEventTypes.Error, (ev: voice.ErrorEvent) => {
      const error = ev.error as { error?: Error; recoverable?: boolean; type?: string } | undefined;
      report('x-livekit.error', {
        kind: error?.type ?? 'error', message: String(error?.error?.message ?? error?.error ?? 'unknown').slice(0, 2000), recoverable: error?.recoverable ?? false,
      }, new Date(ev.createdAt));
    }],
    [voice.AgentSessionEventTypes.Close, (ev: voice.CloseEvent) => {
      void finish(endReason ?? CLOSE_REASONS[String(ev.reason)] ?? 'completed', ev.error ? String((ev.error as any).error?.message ?? '') : undefined);
    }],
  ];
  for (const [name, listener] of listeners) session.on(name as any, listener as any);

  const participantListeners: Array<[string, (...args: any[]) => void]> = [
    ['participantConnected', (p: { identity: string; name?: string; kind?: number }) => report('participant.joined', participant(p))],
    ['participantDisconnected', (p: { identity: string; name?: string; kind?: number }) => report('participant.left', participant(p))],
  ];
  if (room?.on) {
    for (const p of room.remoteParticipants?.values() ?? []) report('participant.joined', participant(p));
    for (const [name, listener] of participantListeners) room.on(name, listener);
  }

  async function handle(command: SwitchboardCommand): Promise<void> {
    if (handledCommands.has(command.commandId)) { ack(command.commandId, true); return; }
    handledCommands.add(command.commandId);
    const d = command.data;
    try {
      switch (command.type) {
        case 'guide': {
          const instructions = `Instruction from a human supervisor (not said by the caller): ${String(d.text ?? '')}`;
          if (!paused) session.generateReply({ instructions });
          break;
        }
        case 'pause':
          paused = true;
          void session.interrupt({ force: true }).await.catch(() => {});
          session.output.setAudioEnabled(false);
          break;
        case 'resume':
          paused = false;
          session.output.setAudioEnabled(true);
          session.generateReply({
            instructions: `A human supervisor handled the call and now hands it back to you. What happened meanwhile: ${String(d.summary ?? '')} Continue from there.`,
          });
          break;
        case 'say': {
          const text = String(d.text ?? '');
          spokenForSupervisor.push(text);
          if (paused) session.output.setAudioEnabled(true);
          const handle = session.say(text, { allowInterruptions: false });
          if (paused) void handle.waitForPlayout().finally(() => { if (paused) session.output.setAudioEnabled(false); });
          break;
        }
        case 'end':
          endReason = 'supervisor_ended';
          ack(command.commandId, true);
          session.shutdown({ drain: false, reason: 'supervisor_ended' });
          return;
        case 'escalation.answer': {
          const requestId = String(d.requestId ?? '');
          escalations.get(requestId)?.({
            outcome: (d.outcome as EscalationResult['outcome']) ?? 'answered',
            answer: d.answer as string | undefined, by: d.by as string | undefined, reason: d.reason as string | undefined,
          });
          escalations.delete(requestId);
          break;
        }
        case 'transfer':
          if (!options.onTransfer) throw new Error('this agent does not handle transfer');
          await options.onTransfer(String(d.destination ?? ''), String(d.mode ?? 'cold'));
          break;
        default:
          throw new Error(`this agent does not handle ${command.type}`);
      }
      ack(command.commandId, true);
    } catch (error) {
      ack(command.commandId, false, (error as Error).message);
    }
  }

  function ack(commandId: string, ok: boolean, error?: string): void {
    const event = commandAck({ commandId, callId }, ok, error);
    report(event.type, event.data, undefined, event.id);
  }

  async function escalate(question: string, topic?: string, context?: string): Promise<EscalationResult> {
    const requestId = `esc-${randomUUID()}`;
    const timeoutMs = options.escalationTimeoutMs ?? 45_000;
    const result = new Promise<EscalationResult>((resolve) => {
      escalations.set(requestId, resolve);
      // The server answers timed_out itself; this guards against an unreachable server.
      const timer = setTimeout(() => {
        if (escalations.delete(requestId)) {
          report('escalation.cancelled', { requestId, reason: 'timeout' });
          resolve({ outcome: 'timed_out' });
        }
      }, timeoutMs + 5_000);
      timer.unref();
    });
    const data: Record<string, unknown> = { requestId, question, timeoutMs };
    if (topic) data.topic = topic;
    if (context) data.context = context;
    report('escalation.requested', data, undefined, requestId);
    return result;
  }

  const askSupervisorTool = llm.tool({
    name: 'ask_supervisor',
    description: 'Ask a human supervisor when you cannot answer or are not allowed to decide. Tell the caller you are checking first.',
    parameters: {
      type: 'object',
      properties: {
        question: { type: 'string', description: 'The question for the supervisor, with what the caller needs' },
        topic: { type: 'string', description: 'A short topic such as billing or refunds' },
      },
      required: ['question'],
    },
    execute: async (args: { question: string; topic?: string }) => {
      if (options.holdMessage !== '') {
        safe(() => session.say(options.holdMessage ?? 'One moment please, let me check that with a colleague.', { addToChatCtx: false }));
      }
      const r = await escalate(args.question, args.topic);
      switch (r.outcome) {
        case 'answered': return `The supervisor answered: ${r.answer ?? ''}`;
        case 'no_supervisor': return 'No supervisor is available right now. Offer the caller a call-back.';
        case 'timed_out': return 'No supervisor answered in time. Apologise and offer a call-back.';
        default: return 'The question was withdrawn.';
      }
    },
  } as any) as llm.FunctionTool<any, any, any>;

  async function finish(reason: string, detail?: string): Promise<void> {
    if (ended) return;
    ended = true;
    metrics.flush();
    const data: Record<string, unknown> = { reason };
    if (detail) data.detail = detail.slice(0, 2000);
    report('call.ended', data, undefined, `end-${callId}`);
    reporter.closeCall(callId);
    for (const [name, listener] of listeners) session.off(name as any, listener as any);
    if (room?.off) for (const [name, listener] of participantListeners) room.off(name, listener);
    for (const [id, resolve] of escalations) { resolve({ outcome: 'cancelled' }); escalations.delete(id); }
    if (ownsReporter) await reporter.close();
    else await reporter.flush();
  }

  return {
    callId, reporter, askSupervisorTool, escalate,
    get paused() { return paused; },
    close: (reason = 'completed', detail?: string) => finish(endReason ?? reason, detail),
  };
}

function participant(p: { identity: string; name?: string; kind?: number }): Record<string, unknown> {
  // ParticipantKind of @livekit/rtc-node: 0 standard, 1 ingress, 2 egress, 3 SIP, 4 agent.
  const kinds = ['standard', 'ingress', 'egress', 'sip', 'agent'];
  const data: Record<string, unknown> = { identity: p.identity, role: p.kind === 4 ? 'agent' : 'customer' };
  if (p.kind !== undefined && kinds[p.kind]) data.kind = kinds[p.kind];
  if (p.name) data.name = p.name;
  return data;
}

function secondsToIso(seconds: number): string {
  return new Date(seconds < 1e11 ? seconds * 1000 : seconds).toISOString();
}

function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return text; }
}

function safe<T>(f: () => T): T | undefined {
  try { return f(); } catch { return undefined; }
}
