import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { Reporter } from '../src/index.js';

/** A stand-in server whose answers each test scripts; records every batch it receives. */
async function fakeServer(options: { upgrade: 'accept' | 'refuse404'; onBatch?: (events: any[], n: number) => object | undefined; push?: (send: (o: object) => void) => void }) {
  const batches: any[][] = [];
  const http: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const events = JSON.parse(body).events;
      batches.push(events);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ results: events.map((e: any, i: number) => ({ id: e.id, callId: e.callId, seq: i + 1, duplicate: false })) }));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    if (options.upgrade === 'refuse404') { socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n'); return; }
    wss.handleUpgrade(req, socket, head, (ws) => {
      options.push?.((o) => ws.send(JSON.stringify(o)));
      ws.on('message', (raw) => {
        const frame = JSON.parse(raw.toString());
        if (frame.op !== 'events') return;
        batches.push(frame.events);
        const answer = options.onBatch?.(frame.events, batches.length) ?? { op: 'ack', ref: frame.ref, results: frame.events.map((e: any) => ({ id: e.id, callId: e.callId, seq: 1, duplicate: false })) };
        if ('drop' in answer) { ws.terminate(); return; }
        ws.send(JSON.stringify({ ...answer, ref: frame.ref }));
      });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  return { url, batches, stop: () => { wss.close(); http.closeAllConnections(); return new Promise<void>((r) => http.close(() => r())); } };
}

const ids = (batches: any[][]) => batches.flat().map((e) => e.id);

test('events arrive in report order over the WebSocket, and a batch without an ack is sent again with the same ids', async () => {
  let dropped = false;
  const server = await fakeServer({ upgrade: 'accept', onBatch: () => (dropped ? undefined : ((dropped = true), { drop: true })) });
  const reporter = new Reporter({ serverUrl: server.url, apiKey: 'k', reconnectMinMs: 10, reconnectMaxMs: 50 });
  reporter.openCall('RM_a', () => {});
  for (let i = 0; i < 5; i++) reporter.report('RM_a', 'agent.state', { state: 'idle' }, undefined, `e${i}`);
  assert.equal(await reporter.flush(10_000), true);
  await reporter.close();
  await server.stop();
  const delivered = ids(server.batches);
  const firstBatch = server.batches[0].map((e) => e.id);
  assert.deepEqual(server.batches[1].map((e) => e.id).slice(0, firstBatch.length), firstBatch, 'the lost batch is resent first, unchanged');
  assert.deepEqual([...new Set(delivered)], ['e0', 'e1', 'e2', 'e3', 'e4']);
  assert.equal(reporter.statistics.acknowledged, 5);
  assert.ok(reporter.statistics.reconnects >= 1);
});

test('a rejected batch loses only the events the problem names; the rest is sent again at once', async () => {
  const server = await fakeServer({
    upgrade: 'accept',
    onBatch: (events, n) => (n === 1 ? { op: 'rejected', problem: { status: 400, invalidEvents: [{ index: 1, id: events[1].id, field: 'data.state' }] } } : undefined),
  });
  const reporter = new Reporter({ serverUrl: server.url, apiKey: 'k' });
  reporter.report('RM_a', 'agent.state', { state: 'idle' }, undefined, 'good-1');
  reporter.report('RM_a', 'agent.state', { state: 'dreaming' }, undefined, 'bad-1');
  reporter.report('RM_a', 'agent.state', { state: 'idle' }, undefined, 'good-2');
  // The first report starts the batch before the others are queued, so wait until all three went in one batch or more.
  assert.equal(await reporter.flush(10_000), true);
  await reporter.close();
  await server.stop();
  assert.ok(!ids(server.batches.slice(1)).includes('bad-1'));
  assert.deepEqual([...new Set(ids(server.batches))].filter((id) => id !== 'bad-1'), ['good-1', 'good-2']);
  assert.ok(reporter.statistics.refused >= 1);
});

test('when a proxy refuses the WebSocket upgrade with 404, events go as HTTP batches', async () => {
  const server = await fakeServer({ upgrade: 'refuse404' });
  const reporter = new Reporter({ serverUrl: server.url, apiKey: 'k', reconnectMinMs: 10 });
  reporter.report('RM_a', 'call.started', {}, undefined, 'h1');
  reporter.report('RM_a', 'agent.state', { state: 'idle' }, undefined, 'h2');
  assert.equal(await reporter.flush(10_000), true);
  assert.equal(reporter.statistics.transport, 'http');
  await reporter.close();
  await server.stop();
  assert.deepEqual(ids(server.batches), ['h1', 'h2']);
});

test('a full buffer drops the oldest ephemeral event first, counts it, and reports the gap once the server is back', async () => {
  const server = await fakeServer({ upgrade: 'accept' });
  await server.stop(); // nobody listens: everything stays queued
  const reporter = new Reporter({ serverUrl: server.url, apiKey: 'k', maxQueuedEvents: 4, maxBatchEvents: 2, reconnectMinMs: 10_000, reconnectMaxMs: 10_000 });
  reporter.report('RM_a', 'call.started', {}, undefined, 'd1');
  await new Promise((r) => setTimeout(r, 100)); // the first attempt fails and backs off
  reporter.report('RM_a', 'transcript.interim', { speaker: 'customer', segmentId: 's', text: 'a' }, undefined, 'i1');
  reporter.report('RM_a', 'agent.state', { state: 'listening' }, undefined, 'd2');
  reporter.report('RM_a', 'agent.state', { state: 'thinking' }, undefined, 'd3');
  reporter.report('RM_a', 'agent.state', { state: 'speaking' }, undefined, 'd4');
  reporter.report('RM_a', 'agent.state', { state: 'idle' }, undefined, 'd5');
  assert.equal(reporter.statistics.droppedEphemeral, 1);
  assert.equal(reporter.statistics.droppedDurable, 1);
  await reporter.close(100);
});

test('commands pushed for an open call reach its handler; bad options are refused at once, listing every problem', async () => {
  const server = await fakeServer({ upgrade: 'accept', push: (send) => setTimeout(() => send({ op: 'command', command: { commandId: 'c1', callId: 'RM_a', type: 'guide', data: { text: 'hi', by: 'x' } } }), 50) });
  const reporter = new Reporter({ serverUrl: server.url, apiKey: 'k' });
  const got = new Promise<any>((resolve) => reporter.openCall('RM_a', resolve));
  reporter.report('RM_a', 'call.started', {});
  const command = await Promise.race([got, new Promise((_, f) => setTimeout(() => f(new Error('no command')), 5_000))]);
  assert.deepEqual(command, { commandId: 'c1', callId: 'RM_a', type: 'guide', data: { text: 'hi', by: 'x' } });
  await reporter.close();
  await server.stop();
  assert.throws(() => new Reporter({ serverUrl: 'ftp://x', apiKey: '', maxBatchEvents: 2000 }), /serverUrl.*apiKey.*maxBatchEvents/);
});

test('report() defers the id, the timestamp and the JSON: durable and ephemeral events still leave in report order, an invalid time becomes the report time, and an event that cannot be serialised is refused alone', async () => {
  const server = await fakeServer({ upgrade: 'accept' });
  const reporter = new Reporter({ serverUrl: server.url, apiKey: 'k' });
  const circular: Record<string, unknown> = { state: 'idle' };
  circular.self = circular;
  const before = Date.now();
  reporter.report('RM_a', 'call.started', {}, undefined, 'o1');
  reporter.report('RM_a', 'transcript.interim', { speaker: 'customer', segmentId: 's', text: 'a' }, undefined, 'o2');
  reporter.report('RM_a', 'agent.state', circular, undefined, 'o3');
  reporter.report('RM_a', 42 as unknown as string, {}); // from plain JavaScript
  reporter.report('RM_a', 'transcript.interim', { speaker: 'customer', segmentId: 's', text: 'ab' }, new Date(Number.NaN), 'o4');
  reporter.report('RM_a', 'transcript.final', { speaker: 'customer', segmentId: 's', text: 'abc' }, new Date('2026-12-02T10:00:00.123Z'));
  assert.equal(server.batches.length, 0, 'nothing is sent on the caller\'s stack');
  assert.equal(await reporter.flush(10_000), true);
  await reporter.close();
  await server.stop();
  const sent = server.batches.flat();
  assert.deepEqual(sent.map((e) => e.type), ['call.started', 'transcript.interim', 'transcript.interim', 'transcript.final']);
  assert.deepEqual(sent.slice(0, 3).map((e) => e.id), ['o1', 'o2', 'o4']);
  assert.match(sent[3].id, /^transcript-[0-9a-f-]{36}$/);
  assert.equal(sent[3].at, '2026-12-02T10:00:00.123Z');
  assert.ok(Date.parse(sent[2].at) >= before && Date.parse(sent[2].at) <= Date.now(), 'an invalid Date is replaced by the time of the report');
  assert.equal(reporter.statistics.refused, 2);
  assert.equal(reporter.statistics.acknowledged, 4);
});

test('a full buffer keeps dropping in constant time: 50,000 reports into 1,000 slots drop every ephemeral event before any durable one', async () => {
  const server = await fakeServer({ upgrade: 'accept' });
  await server.stop();
  const reporter = new Reporter({ serverUrl: server.url, apiKey: 'k', maxQueuedEvents: 1_000, maxBatchEvents: 10, reconnectMinMs: 10_000, reconnectMaxMs: 10_000 });
  const started = process.hrtime.bigint();
  for (let i = 0; i < 50_000; i++) {
    if (i % 2 === 0) reporter.report('RM_a', 'transcript.interim', { speaker: 'customer', segmentId: 's', text: String(i) });
    else reporter.report('RM_a', 'agent.state', { state: 'idle' }, undefined, `d${i}`);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(reporter.statistics.droppedEphemeral + reporter.statistics.droppedDurable, 49_000);
  assert.equal(reporter.statistics.droppedEphemeral, 25_000, 'every ephemeral event goes before any durable one');
  assert.ok(ms < 2_000, `50,000 reports took ${ms} ms`);
  await reporter.close(100);
});

test('an event reported inside an OpenTelemetry span carries its traceparent; one reported outside carries none', async () => {
  const { context, trace, TraceFlags } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const server = await fakeServer({ upgrade: 'accept' });
  const reporter = new Reporter({ serverUrl: server.url, apiKey: 'k' });
  try {
    reporter.openCall('RM_t', () => {});
    const turn = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
    context.with(trace.setSpan(context.active(), turn), () => reporter.report('RM_t', 'agent.state', { state: 'thinking' }, undefined, 'in-span'));
    reporter.report('RM_t', 'agent.state', { state: 'speaking' }, undefined, 'outside');
    assert.equal(await reporter.flush(10_000), true);
    const sent = Object.fromEntries(server.batches.flat().map((e) => [e.id, e]));
    assert.equal(sent['in-span'].traceparent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    assert.equal('traceparent' in sent['outside'], false);
  } finally {
    await reporter.close();
    await server.stop();
    context.disable();
    manager.disable();
  }
});
