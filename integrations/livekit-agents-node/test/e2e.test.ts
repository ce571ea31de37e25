import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { voice } from '@livekit/agents';
import { attach } from '../src/index.js';
import { SwitchboardServer } from './server.js';
import { scriptedSession, turn, withTimeout } from './helpers.js';

let server: SwitchboardServer;
before(async () => { server = await SwitchboardServer.start(); });
after(async () => { await server?.stop(); });

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a scripted session\'s events reach a real server in order, and a supervisor\'s guide, take-over, say, hand-back and end reach the session', async () => {
  const callId = 'RM_node_e2e';
  const supervisor = await server.supervisor();
  const { session, agent } = scriptedSession();
  const instructions: string[] = [];
  const generateReply = session.generateReply.bind(session);
  session.generateReply = (options) => { instructions.push(String(options?.instructions ?? '')); return generateReply(options); };
  const supervision = await attach(session, undefined, { serverUrl: server.url, apiKey: server.agentKey, callId, agentName: 'support', transport: 'websocket' });
  await session.start({ agent });
  await turn(session, 'hello');
  await turn(session, 'What is my balance?');

  const events = () => server.events(callId);
  const has = (type: string, match: (d: any) => boolean = () => true) => async () => (await events()).find((e) => e.type === type && match(e.data));
  await until('tool.result', has('tool.result'));

  const act = async (action: string, body: object = {}) => {
    const r = await supervisor(`/api/v1/calls/${callId}/${action}`, body);
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
    return r.body.commandId as string;
  };
  const appliedOk = async (commandId: string) => (await until(`ack of ${commandId}`, has('command.acked', (d) => d.commandId === commandId))).data.ok;

  assert.equal(await appliedOk(await act('guide', { text: 'Offer the loyalty discount.' })), true);
  assert.ok(instructions.some((i) => i.includes('Offer the loyalty discount.')), 'the guidance reached the LLM as instructions');

  assert.equal(await appliedOk(await act('takeover')), true);
  assert.equal(supervision.paused, true);
  assert.equal(session.output.audioEnabled, false);
  assert.equal(await appliedOk(await act('say', { text: 'Hello, this is Dana from billing.' })), true);
  assert.equal(await appliedOk(await act('handback', { note: 'discount applied' })), true);
  assert.equal(supervision.paused, false);
  assert.ok(instructions.some((i) => i.includes('discount applied')), 'the hand-back summary reached the LLM');

  const closed = new Promise<void>((resolve) => session.on(voice.AgentSessionEventTypes.Close, () => resolve()));
  const end = await act('end');
  await withTimeout(closed, 15_000, 'session close');
  assert.equal(await appliedOk(end), true);
  await supervision.close();
  const log = await events();

  const seqs = log.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'the log is in seq order');
  const types = log.map((e) => e.type);
  assert.equal(types[0], 'call.started');
  const order = ['call.started', 'agent.handoff', 'agent.state', 'transcript.final', 'tool.called', 'tool.result', 'supervisor.guidance', 'control.takeover', 'control.handback', 'call.ended'];
  let last = -1;
  for (const type of order) {
    const at = types.indexOf(type, last + 1);
    assert.ok(at > last, `${type} after the events before it (log: ${types.join(', ')})`);
    last = at;
  }
  const agentLines = log.filter((e) => e.type === 'transcript.final' && e.data.speaker === 'agent').map((e) => e.data.text);
  assert.ok(agentLines.includes('Hi there, how can I help?'));
  assert.ok(!agentLines.includes('Hello, this is Dana from billing.'), 'the supervisor\'s line is not the agent\'s');
  assert.ok(log.some((e) => e.type === 'transcript.final' && e.data.speaker === 'supervisor' && e.data.text === 'Hello, this is Dana from billing.'));
  assert.ok(log.some((e) => e.type === 'metrics.turn' && typeof e.data.llmTtftMs === 'number'));
  assert.equal(log.find((e) => e.type === 'call.ended')!.data.reason, 'supervisor_ended');
});

test('over HTTP batches, a real server stores every valid event once and in order; an event it refuses is dropped and counted', async () => {
  const { Reporter } = await import('../src/index.js');
  const callId = 'RM_node_http';
  const reporter = new Reporter({ serverUrl: server.url, apiKey: server.agentKey, transport: 'http' });
  reporter.report(callId, 'call.started', { agentName: 'support' });
  reporter.report(callId, 'agent.state', { state: 'listening' });
  reporter.report(callId, 'agent.state', { state: 'dreaming' }); // not a state Switchboard knows
  reporter.report(callId, 'transcript.final', { speaker: 'customer', segmentId: 's1', text: 'Hello?' });
  reporter.report(callId, 'call.ended', { reason: 'completed' });
  assert.equal(await reporter.flush(15_000), true);
  await reporter.close();
  // The agent's own events, in order; the server adds its sentiment score of the caller's line, at
  // whatever point its analyzer gets to it.
  const log = (await server.events(callId)).filter((e) => e.type !== 'sentiment.scored');
  assert.deepEqual(log.map((e) => e.type), ['call.started', 'agent.state', 'transcript.final', 'call.ended']);
  assert.deepEqual(log.map((e) => e.seq), [...log.map((e) => e.seq)].sort((a, b) => a - b));
  assert.equal(new Set(log.map((e) => e.seq)).size, 4);
  assert.equal(reporter.statistics.refused, 1);
  assert.equal(reporter.statistics.transport, 'http');
});

/** A session whose FakeLLM answers one line with a call of the integration's ask_supervisor tool. */
async function askingSession(callId: string, escalationTimeoutMs?: number) {
  const question = 'Can we refund a double charge?';
  const line = `Can I get my money back? (${callId})`;
  const session = new voice.AgentSession({ llm: new voice.testing.FakeLLM([{ input: line, toolCalls: [{ name: 'ask_supervisor', args: { question, topic: 'billing' } }] }]) });
  const supervision = await attach(session, undefined, { serverUrl: server.url, apiKey: server.agentKey, callId, agentName: 'support', escalationTimeoutMs });
  // As in examples/agent.ts: the named tool in a list.
  const agent = new voice.Agent({ instructions: 'You are a helpful support agent.', tools: [supervision.askSupervisorTool] });
  // The framework hands the tool's return value to the LLM as JSON.
  const toolOutput = new Promise<string>((resolve) => session.on(voice.AgentSessionEventTypes.FunctionToolsExecuted, (ev) => resolve(JSON.parse(ev.functionCallOutputs[0]?.output ?? '""'))));
  await session.start({ agent });
  const turnDone = turn(session, line);
  return { session, supervision, question, toolOutput, turnDone };
}

test('ask_supervisor end to end: the question waits in the help queue, a supervisor answers through the API, and the answer is the tool\'s result', async () => {
  const callId = 'RM_node_ask';
  const supervisor = await server.supervisor();
  const online = await supervisor.stream('/api/v1/escalations/stream');
  try {
    const { session, supervision, question, toolOutput, turnDone } = await askingSession(callId);
    try {
    const request = await until('the request in the help queue', async () => {
      const list = await supervisor.get('/api/v1/escalations?status=pending');
      assert.equal(list.status, 200, JSON.stringify(list.body));
      return (list.body as Array<{ request: any; holdSeconds: number }>).map((v) => v.request).find((r) => r.callId === callId && r.question === question);
    });
    assert.equal(request.topic, 'billing');
    const answered = await supervisor(`/api/v1/escalations/${encodeURIComponent(request.id)}/answer`, { answer: 'Yes, refund it in full.' });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.equal(await withTimeout(toolOutput, 15_000, 'tool result'), 'The supervisor answered: Yes, refund it in full.');
    await withTimeout(turnDone, 15_000, 'turn');
    } finally {
      await session.close();
      await supervision.close();
    }
    const log = await server.events(callId);
    const types = log.map((e) => e.type);
    assert.ok(types.indexOf('escalation.requested') >= 0 && types.indexOf('escalation.requested') < types.indexOf('escalation.answered'), types.join(', '));
    assert.equal(log.find((e) => e.type === 'tool.result' && e.data.name === 'ask_supervisor')?.data.result, 'The supervisor answered: Yes, refund it in full.');
  } finally {
    online.close();
  }
});

test('ask_supervisor end to end: with no supervisor online the tool says so at once; when nobody answers in time it says that', async () => {
  const nobody = await askingSession('RM_node_ask_nobody');
  try {
    assert.equal(await withTimeout(nobody.toolOutput, 15_000, 'tool result'), 'No supervisor is available right now. Offer the caller a call-back.');
    await withTimeout(nobody.turnDone, 15_000, 'turn');
  } finally {
    await nobody.session.close();
    await nobody.supervision.close();
  }
  assert.ok((await server.events('RM_node_ask_nobody')).some((e) => e.type === 'escalation.cancelled' && e.data.reason === 'no_supervisor_available'));

  const supervisor = await server.supervisor();
  const online = await supervisor.stream('/api/v1/escalations/stream');
  try {
    const late = await askingSession('RM_node_ask_late', 1_500);
    try {
      assert.equal(await withTimeout(late.toolOutput, 15_000, 'tool result'), 'No supervisor answered in time. Apologise and offer a call-back.');
      await withTimeout(late.turnDone, 15_000, 'turn');
    } finally {
      await late.session.close();
      await late.supervision.close();
    }
    assert.ok((await server.events('RM_node_ask_late')).some((e) => e.type === 'escalation.timed_out'), 'the server timed the request out');
  } finally {
    online.close();
  }
});
