import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { commandAck, httpBatchBody, readProblem, readSocketFrame, socketBatchFrame } from '../src/index.js';
import { vectorsDirectory } from './server.js';

interface Vector { description: string; frame: string; direction: string; json: any; valid: boolean; expect: any }

const files = readdirSync(vectorsDirectory()).filter((f) => f.endsWith('.json')).sort();
const vectors = files.map((f) => [f, JSON.parse(readFileSync(join(vectorsDirectory(), f), 'utf8')) as Vector] as const);

test('the shared protocol vectors are there and well-formed', () => {
  assert.ok(vectors.length >= 20);
  for (const [file, v] of vectors) {
    assert.equal(typeof v.description, 'string', file);
    assert.ok(['http-batch', 'socket-batch', 'socket-ack', 'socket-command', 'http-ack', 'problem'].includes(v.frame), file);
    assert.ok(['client-to-server', 'server-to-client'].includes(v.direction), file);
    assert.equal(typeof v.valid, 'boolean', file);
  }
});

for (const [file, v] of vectors) {
  test(`vector ${file}`, () => {
    switch (v.frame) {
      case 'http-batch':
        // The client builds exactly this body from these events.
        assert.deepEqual(httpBatchBody(v.json.events), v.json);
        break;
      case 'socket-batch':
        assert.deepEqual(socketBatchFrame(v.json.ref, v.json.events), v.json);
        break;
      case 'http-ack':
        assert.deepEqual(v.json.results.map((r: any) => r.id), v.expect.acknowledged);
        assert.deepEqual(v.json.results.map((r: any) => r.seq), v.expect.seqs);
        assert.deepEqual(v.json.results.filter((r: any) => r.duplicate).map((r: any) => r.id), v.expect.duplicates);
        break;
      case 'socket-ack': {
        const frame = readSocketFrame(JSON.stringify(v.json));
        assert.ok(frame, 'a known frame');
        assert.equal(frame.op, v.expect.op);
        if (frame.op === 'ack') {
          assert.equal(frame.ref, v.expect.ref);
          assert.deepEqual(frame.results.map((r) => r.id), v.expect.acknowledged);
          assert.deepEqual(frame.results.map((r) => r.seq), v.expect.seqs);
          assert.deepEqual(frame.results.filter((r) => r.duplicate).map((r) => r.id), v.expect.duplicates);
        } else if (frame.op === 'rejected') {
          assert.equal(frame.ref, v.expect.ref);
          const verdict = readProblem(400, frame.problem);
          assert.deepEqual(verdict.invalidIndexes, v.expect.invalidIndexes);
          assert.equal(verdict.retry, v.expect.retry);
        }
        break;
      }
      case 'socket-command': {
        const frame = readSocketFrame(JSON.stringify(v.json));
        if (!v.valid) { assert.equal(frame, undefined, 'ignored'); break; }
        assert.ok(frame && frame.op === 'command');
        assert.deepEqual(frame.command, { commandId: v.expect.commandId, callId: v.expect.callId, type: v.expect.type, data: v.expect.data });
        const ack = commandAck(frame.command, v.expect.ack.data.ok, v.expect.ack.data.ok ? undefined : 'not handled');
        assert.equal(ack.id, v.expect.ack.id);
        assert.equal(ack.type, v.expect.ack.type);
        assert.equal(ack.callId, v.expect.ack.callId);
        assert.equal(ack.data.commandId, v.expect.ack.data.commandId);
        assert.equal(ack.data.ok, v.expect.ack.data.ok);
        break;
      }
      case 'problem': {
        const verdict = readProblem(v.json.status, v.json);
        assert.deepEqual(verdict, { status: v.expect.status, invalidIndexes: v.expect.invalidIndexes, retry: v.expect.retry });
        break;
      }
      default:
        assert.fail(`unknown frame ${v.frame}`);
    }
  });
}
