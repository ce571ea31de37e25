import assert from 'node:assert/strict';
import { test } from 'node:test';
import { voice } from '@livekit/agents';
import { attach } from '../src/index.js';
import { RecordingSink, scriptedSession, turn } from './helpers.js';

test('a real text-only AgentSession is reported as the call\'s story in order', async () => {
  const sink = new RecordingSink();
  const { session, agent } = scriptedSession();
  const supervision = await attach(session, undefined, { serverUrl: 'http://unused', apiKey: 'unused', callId: 'RM_test', agentName: 'support', reporter: sink });
  await session.start({ agent });
  await turn(session, 'hello');
  await turn(session, 'What is my balance?');
  await session.close();
  await sink.waitFor((e) => e.type === 'call.ended');

  const types = sink.types();
  assert.equal(types[0], 'call.started');
  assert.deepEqual(sink.events[0].data, { agentName: 'support', roomSid: 'RM_test' });
  assert.deepEqual(sink.of('agent.handoff')[0].data, { to: 'default_agent' });
  const states = sink.of('agent.state').map((e) => e.data.state);
  assert.deepEqual(states.slice(0, 4), ['listening', 'thinking', 'speaking', 'listening']);
  const agentLine = sink.of('transcript.final').find((e) => e.data.speaker === 'agent')!;
  assert.equal(agentLine.data.text, 'Hi there, how can I help?');
  assert.match(agentLine.data.segmentId, /^item_/);
  assert.ok(Date.parse(agentLine.data.startedAt) <= Date.parse(agentLine.data.endedAt));
  const called = sink.of('tool.called')[0];
  assert.deepEqual(called.data, { toolCallId: called.data.toolCallId, name: 'lookup_balance', arguments: { account: '42' } });
  const result = sink.of('tool.result')[0];
  assert.equal(result.data.toolCallId, called.data.toolCallId);
  assert.equal(result.data.ok, true);
  assert.deepEqual(result.data.result, { balance: 10 });
  assert.equal(typeof result.data.durationMs, 'number');
  const turns = sink.of('metrics.turn');
  assert.ok(turns.length >= 2, 'one metrics.turn per reply');
  assert.match(turns[0].data.turnId, /^speech_/);
  assert.equal(typeof turns[0].data.llmTtftMs, 'number');
  assert.equal(turns[0].data.model, 'unknown');
  assert.deepEqual(sink.of('call.ended')[0].data, { reason: 'completed' });
  assert.ok(types.indexOf('tool.called') < types.indexOf('tool.result'));
  assert.equal(types.at(-1), 'call.ended');
  assert.equal(supervision.paused, false);
});

test('the caller\'s interim and final transcripts share one segment id, with start and end times', async () => {
  const sink = new RecordingSink();
  const session = new voice.AgentSession({});
  await attach(session, undefined, { serverUrl: 'http://unused', apiKey: 'unused', callId: 'RM_test', reporter: sink });
  const t0 = Date.now();
  session.emit(voice.AgentSessionEventTypes.UserInputTranscribed, voice.createUserInputTranscribedEvent({ transcript: 'my internet', isFinal: false, createdAt: t0 }));
  session.emit(voice.AgentSessionEventTypes.UserInputTranscribed, voice.createUserInputTranscribedEvent({ transcript: 'my internet keeps dropping', isFinal: true, language: 'en' as any, createdAt: t0 + 900 }));
  session.emit(voice.AgentSessionEventTypes.UserInputTranscribed, voice.createUserInputTranscribedEvent({ transcript: 'again', isFinal: false, createdAt: t0 + 2000 }));
  const [interim, second] = sink.of('transcript.interim');
  const [final] = sink.of('transcript.final');
  assert.equal(interim.data.speaker, 'customer');
  assert.equal(interim.data.segmentId, final.data.segmentId);
  assert.notEqual(second.data.segmentId, final.data.segmentId);
  assert.equal(final.data.text, 'my internet keeps dropping');
  assert.equal(final.data.language, 'en');
  assert.equal(final.data.startedAt, new Date(t0).toISOString());
  assert.equal(final.data.endedAt, new Date(t0 + 900).toISOString());
});

test('metrics of one speech become one metrics.turn under Switchboard\'s names', async () => {
  const sink = new RecordingSink();
  const session = new voice.AgentSession({});
  await attach(session, undefined, { serverUrl: 'http://unused', apiKey: 'unused', callId: 'RM_test', reporter: sink });
  const emit = (metrics: any) => session.emit(voice.AgentSessionEventTypes.MetricsCollected, voice.createMetricsCollectedEvent({ metrics }));
  emit({ type: 'eou_metrics', timestamp: 1, endOfUtteranceDelayMs: 480, transcriptionDelayMs: 170, onUserTurnCompletedDelayMs: 2, lastSpeakingTimeMs: 0, speechId: 'speech_1' });
  emit({ type: 'llm_metrics', label: 'openai', requestId: 'r', timestamp: 2, durationMs: 900, ttftMs: 430, cancelled: false, completionTokens: 38, promptTokens: 1240, promptCachedTokens: 0, totalTokens: 1278, tokensPerSecond: 40, speechId: 'speech_1', metadata: { modelName: 'gpt-4o' } });
  emit({ type: 'tts_metrics', label: 'tts', requestId: 'r', timestamp: 3, ttfbMs: 210, durationMs: 800, audioDurationMs: 2000, cancelled: false, charactersCount: 40, streamed: true, speechId: 'speech_1' });
  assert.deepEqual(sink.of('metrics.turn').map((e) => e.data), [{
    turnId: 'speech_1', endOfUtteranceMs: 480, sttMs: 170, llmTtftMs: 430, llmTotalMs: 900, promptTokens: 1240, completionTokens: 38, model: 'gpt-4o', ttsTtfbMs: 210, e2eMs: 1120,
  }]);
});

test('a handoff names the new agent as the persona, errors are reported, and a hang-up ends the call as caller_hangup', async () => {
  const sink = new RecordingSink();
  const session = new voice.AgentSession({});
  const { llm } = await import('@livekit/agents');
  await attach(session, undefined, { serverUrl: 'http://unused', apiKey: 'unused', callId: 'RM_test', reporter: sink });
  session.emit(voice.AgentSessionEventTypes.ConversationItemAdded, voice.createConversationItemAddedEvent(new llm.AgentHandoffItem({ newAgentId: 'greeter' })));
  session.emit(voice.AgentSessionEventTypes.ConversationItemAdded, voice.createConversationItemAddedEvent(new llm.AgentHandoffItem({ oldAgentId: 'greeter', newAgentId: 'billing' })));
  session.emit(voice.AgentSessionEventTypes.Error, voice.createErrorEvent({ type: 'llm_error', timestamp: 1, label: 'openai', error: new Error('rate limited'), recoverable: true } as any));
  session.emit(voice.AgentSessionEventTypes.Close, voice.createCloseEvent(voice.CloseReason.PARTICIPANT_DISCONNECTED));
  await sink.waitFor((e) => e.type === 'call.ended');
  assert.deepEqual(sink.of('agent.handoff').map((e) => e.data), [{ to: 'greeter' }, { from: 'greeter', to: 'billing' }]);
  assert.deepEqual(sink.of('x-livekit.error')[0].data, { kind: 'llm_error', message: 'rate limited', recoverable: true });
  assert.deepEqual(sink.of('call.ended')[0].data, { reason: 'caller_hangup' });
  assert.equal(sink.closed, false, 'a shared reporter is flushed, not closed');
});

test('participants of the room are reported with their role', async () => {
  const sink = new RecordingSink();
  const session = new voice.AgentSession({});
  const { EventEmitter } = await import('node:events');
  const room = Object.assign(new EventEmitter(), { name: 'support-1', getSid: async () => 'RM_room1', remoteParticipants: new Map([['caller', { identity: 'caller', name: 'Ann', kind: 3 }]]) });
  const supervision = await attach(session, { room }, { serverUrl: 'http://unused', apiKey: 'unused', reporter: sink });
  room.emit('participantConnected', { identity: 'helper-bot', kind: 4 });
  room.emit('participantDisconnected', { identity: 'caller', name: 'Ann', kind: 3 });
  assert.equal(supervision.callId, 'RM_room1');
  assert.deepEqual(sink.events[0].data, { roomName: 'support-1', roomSid: 'RM_room1' });
  assert.deepEqual(sink.of('participant.joined').map((e) => e.data), [{ identity: 'caller', role: 'customer', kind: 'sip', name: 'Ann' }, { identity: 'helper-bot', role: 'agent', kind: 'agent' }]);
  assert.deepEqual(sink.of('participant.left').map((e) => e.data), [{ identity: 'caller', role: 'customer', kind: 'sip', name: 'Ann' }]);
});
