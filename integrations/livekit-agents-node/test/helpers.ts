import { initializeLogger, llm, voice } from '@livekit/agents';
import type { EventSink } from '../src/reporter.js';
import type { SwitchboardCommand } from '../src/protocol.js';

initializeLogger({ pretty: false, level: 'error' });

export interface Recorded { callId: string; type: string; data: Record<string, any>; at?: Date; id?: string }

/** Records what the integration reports, and plays the server's part in pushing commands. */
export class RecordingSink implements EventSink {
  readonly events: Recorded[] = [];
  private handler: ((c: SwitchboardCommand) => void) | undefined;
  closed = false;
  openCall(_callId: string, onCommand: (c: SwitchboardCommand) => void): void { this.handler = onCommand; }
  closeCall(): void {}
  report(callId: string, type: string, data: Record<string, unknown>, at?: Date, id?: string): void { this.events.push({ callId, type, data, at, id }); }
  async flush(): Promise<boolean> { return true; }
  async close(): Promise<void> { this.closed = true; }
  push(type: string, data: Record<string, unknown>, commandId = `cmd-${this.events.length}-${type}`): string {
    this.handler!({ commandId, callId: 'RM_test', type, data });
    return commandId;
  }
  types(): string[] { return this.events.map((e) => e.type); }
  of(type: string): Recorded[] { return this.events.filter((e) => e.type === type); }
  /** Resolves once an event matching `predicate` was reported; fails after `timeoutMs`. */
  async waitFor(predicate: (e: Recorded) => boolean, timeoutMs = 10_000): Promise<Recorded> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`not reported in time; got ${this.types().join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** A real text-only AgentSession (no room, no audio) whose LLM is the framework's own FakeLLM. */
export function scriptedSession(): { session: voice.AgentSession; agent: voice.Agent } {
  const fake = new voice.testing.FakeLLM([
    { input: 'hello', content: 'Hi there, how can I help?' },
    { input: 'What is my balance?', toolCalls: [{ name: 'lookup_balance', args: { account: '42' } }] },
  ]);
  const session = new voice.AgentSession({ llm: fake });
  const agent = new voice.Agent({
    instructions: 'You are a helpful support agent.',
    tools: {
      lookup_balance: llm.tool({
        description: 'Look up the balance of an account',
        parameters: { type: 'object', properties: { account: { type: 'string' } }, required: ['account'] },
        execute: async () => ({ balance: 10 }),
      }),
    },
  });
  return { session, agent };
}

/** Runs one text turn through the session and waits for it to finish. */
export async function turn(session: voice.AgentSession, text: string): Promise<void> {
  const result = await session.run({ userInput: text });
  await result.wait();
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, fail) => setTimeout(() => fail(new Error(`${what} timed out`)), ms).unref())]);
}
