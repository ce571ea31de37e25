import assert from 'node:assert/strict';
import { test } from 'node:test';
import { llm, voice } from '@livekit/agents';
import { attach } from '../src/index.js';
import { RecordingSink, scriptedSession, turn, withTimeout } from './helpers.js';

async function started() {
  const sink = new RecordingSink();
  const { session, agent } = scriptedSession();
  const replies: Array<{ instructions?: unknown }> = [];
  const generateReply = session.generateReply.bind(session);
  session.generateReply = (options) => { replies.push({ instructions: options?.instructions }); return generateReply(options); };
  const supervision = await attach(session, undefined, { serverUrl: 'http://unused', apiKey: 'unused', callId: 'RM_test', reporter: sink, holdMessage: '' });
  await session.start({ agent });
  await turn(session, 'hello');
  return { sink, session, agent, supervision, replies };
}

const acked = (sink: RecordingSink, commandId: string) => sink.waitFor((e) => e.type === 'command.acked' && e.data.commandId === commandId);

test('guide reaches the LLM as a supervisor instruction, not as the caller\'s words, and is acknowledged', async () => {
  const { sink, session, replies } = await started();
  const id = sink.push('guide', { text: 'Offer the refund.', by: 'dana' });
  const ack = await acked(sink, id);
  assert.deepEqual(ack.data, { commandId: id, ok: true });
  assert.equal(ack.id, `ack-${id}`);
  assert.match(String(replies.at(-1)?.instructions), /supervisor.*Offer the refund\./);
  const userLines = session.history.items.filter((i) => i.type === 'message' && i.role === 'user').map((i) => (i as llm.ChatMessage).textContent);
  assert.ok(!userLines.some((t) => t?.includes('Offer the refund')), 'the guidance is not a user message');
  await session.close();
});

test('pause silences the agent and stops replies but keeps the caller\'s turns; resume hands back with the summary', async () => {
  const { sink, session, agent, supervision, replies } = await started();
  const pause = sink.push('pause', { reason: 'takeover', by: 'dana' });
  await acked(sink, pause);
  assert.equal(supervision.paused, true);
  assert.equal(session.output.audioEnabled, false);
  // A caller's turn while held: the framework's StopResponse keeps the LLM from answering it.
  const message = llm.ChatMessage.create({ role: 'user', content: 'are you there?' });
  await assert.rejects(agent.onUserTurnCompleted(session.history, message), (e: unknown) => e instanceof voice.StopResponse);
  const before = replies.length;
  const guide = sink.push('guide', { text: 'Not now', by: 'dana' });
  await acked(sink, guide);
  assert.equal(replies.length, before, 'no generation while held');

  const resume = sink.push('resume', { summary: 'Dana refunded the double charge.', by: 'dana', unmuteSelf: false });
  assert.deepEqual((await acked(sink, resume)).data, { commandId: resume, ok: true });
  assert.equal(supervision.paused, false);
  assert.equal(session.output.audioEnabled, true);
  assert.match(String(replies.at(-1)?.instructions), /hands it back.*Dana refunded the double charge\./s);
  await agent.onUserTurnCompleted(session.history, message);
  await session.close();
});

test('say speaks the supervisor\'s text without the LLM and reports none of it as the agent\'s words', async () => {
  const { sink, session } = await started();
  const agentLines = () => sink.of('transcript.final').filter((e) => e.data.speaker === 'agent').length;
  const before = agentLines();
  const said = new Promise<string>((resolve) => session.on(voice.AgentSessionEventTypes.SpeechCreated, (ev) => resolve(ev.source)));
  const id = sink.push('say', { text: 'Hello, this is Dana.', by: 'dana' });
  await acked(sink, id);
  assert.equal(await withTimeout(said, 5_000, 'speech'), 'say');
  await withTimeout(session.waitForIdle(), 5_000, 'idle');
  const spoken = session.history.items.find((i) => i.type === 'message' && (i as llm.ChatMessage).textContent === 'Hello, this is Dana.');
  assert.ok(spoken, 'the text was spoken into the conversation');
  assert.equal(agentLines(), before);
  await session.close();
});

test('end closes the session and the call ends as supervisor_ended', async () => {
  const { sink, session } = await started();
  const closed = new Promise<void>((resolve) => session.on(voice.AgentSessionEventTypes.Close, () => resolve()));
  const id = sink.push('end', { reason: 'supervisor_ended', by: 'dana' });
  await acked(sink, id);
  await withTimeout(closed, 10_000, 'close');
  assert.deepEqual((await sink.waitFor((e) => e.type === 'call.ended')).data, { reason: 'supervisor_ended' });
});

test('ask_supervisor reports the question and returns the pushed answer as the tool\'s result', async () => {
  const { sink, session, supervision } = await started();
  assert.equal(supervision.askSupervisorTool.type, 'function');
  const answer = supervision.askSupervisorTool.execute({ question: 'Can we refund a double charge?', topic: 'billing' }, {} as any);
  const requested = await sink.waitFor((e) => e.type === 'escalation.requested');
  assert.equal(requested.data.question, 'Can we refund a double charge?');
  assert.equal(requested.data.topic, 'billing');
  assert.equal(requested.id, requested.data.requestId);
  const id = sink.push('escalation.answer', { requestId: requested.data.requestId, outcome: 'answered', answer: 'Yes, refund it.', by: 'sup' });
  assert.equal(await withTimeout(answer, 5_000, 'answer'), 'The supervisor answered: Yes, refund it.');
  await acked(sink, id);
  const nobody = supervision.escalate('Another?');
  const second = await sink.waitFor((e) => e.type === 'escalation.requested' && e.data.question === 'Another?');
  sink.push('escalation.answer', { requestId: second.data.requestId, outcome: 'no_supervisor', reason: 'nobody online' });
  assert.deepEqual(await withTimeout(nobody, 5_000, 'no supervisor'), { outcome: 'no_supervisor', answer: undefined, by: undefined, reason: 'nobody online' });
  await session.close();
});

test('a repeated command is applied once and acknowledged again; an unknown one is refused with the reason', async () => {
  const { sink, session, replies } = await started();
  const before = replies.length;
  sink.push('guide', { text: 'once', by: 'dana' }, 'cmd-same');
  sink.push('guide', { text: 'once', by: 'dana' }, 'cmd-same');
  await sink.waitFor((e) => e.type === 'command.acked' && e.data.commandId === 'cmd-same');
  assert.equal(sink.of('command.acked').filter((e) => e.data.commandId === 'cmd-same').length, 2);
  assert.equal(replies.length, before + 1);
  const unknown = sink.push('x-future', {});
  assert.deepEqual((await acked(sink, unknown)).data, { commandId: unknown, ok: false, error: 'this agent does not handle x-future' });
  const transfer = sink.push('transfer', { destination: 'billing-desk' });
  assert.equal((await acked(sink, transfer)).data.ok, false);
  await session.close();
});
