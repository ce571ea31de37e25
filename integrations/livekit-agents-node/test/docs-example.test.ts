import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repositoryRoot } from './server.js';

test('the complete agent in docs/INTEGRATIONS.md is examples/agent.ts, character for character (the suite type-checks that file)', () => {
  const root = repositoryRoot();
  const doc = readFileSync(join(root, 'docs', 'INTEGRATIONS.md'), 'utf8');
  const node = doc.slice(doc.indexOf('## Node'), doc.indexOf('## Python'));
  const block = /### A complete agent\n\n```ts\n([\s\S]*?)```\n/.exec(node)?.[1];
  assert.ok(block, 'the Node section has a complete agent in a ts block');
  assert.equal(block, readFileSync(join(root, 'integrations', 'livekit-agents-node', 'examples', 'agent.ts'), 'utf8'));
});
