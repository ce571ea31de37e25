// The session's own turn latency with the Node integration attached (reporting to a real
// Switchboard server process over its WebSocket) and detached, in one run: blocks of text turns
// through a real AgentSession whose LLM is the framework's FakeLLM, attached and detached blocks
// alternating. A turn's latency is from session.run({ userInput }) to the assistant's reply in the
// chat context (conversation_item_added), and to the end of the turn (run result settled).
// A third mode, "offline", attaches a reporter whose server cannot be reached: the integration's
// own work on the loop (its listeners and report()) without any sending, so a difference between
// attached and detached can be told apart from the cost of sending and of the server's process
// sharing the machine.
//   (cd integrations/livekit-agents-node && npm ci && npm run build) && node bench/livekit-agents-node/turn-latency.mjs [turnsPerBlock] [blocks] [maxSeconds]
const pkg = new URL('../../integrations/livekit-agents-node/dist/', import.meta.url);
// The framework as the package resolves it, so the session and the integration share one copy.
const { initializeLogger, voice } = await import(new URL('../node_modules/@livekit/agents/dist/index.js', pkg));
const { attach, Reporter } = await import(new URL('src/index.js', pkg));
const { SwitchboardServer } = await import(new URL('test/server.js', pkg));

const turnsPerBlock = Number(process.argv[2] ?? 200);
const blocks = Number(process.argv[3] ?? 12);
const maxSeconds = Number(process.argv[4] ?? 300);
const deadline = Date.now() + maxSeconds * 1000;
initializeLogger({ pretty: false, level: 'error' });

const reply = 'Your appointment is moved to Thursday at ten. Is there anything else?';
async function block(reporter, index) {
  const lines = Array.from({ length: turnsPerBlock }, (_, i) => `Please move my appointment, turn ${index}-${i}`);
  const session = new voice.AgentSession({ llm: new voice.testing.FakeLLM(lines.map((input) => ({ input, content: reply }))) });
  const agent = new voice.Agent({ instructions: 'You are a helpful scheduling agent.' });
  const supervision = reporter ? await attach(session, undefined, { serverUrl: 'http://unused', apiKey: 'unused', callId: `RM_turns_${index}`, agentName: 'bench', reporter }) : undefined;
  let replied;
  session.on(voice.AgentSessionEventTypes.ConversationItemAdded, (ev) => { if (ev.item.role === 'assistant') replied?.(process.hrtime.bigint()); });
  await session.start({ agent });
  const toReply = [];
  const toEnd = [];
  for (const line of lines) {
    if (Date.now() > deadline) break;
    const gotReply = new Promise((resolve) => { replied = resolve; });
    const t0 = process.hrtime.bigint();
    const result = session.run({ userInput: line });
    const t1 = await gotReply;
    await result.wait();
    const t2 = process.hrtime.bigint();
    toReply.push(Number(t1 - t0) / 1e6);
    toEnd.push(Number(t2 - t0) / 1e6);
  }
  await session.close();
  await supervision?.close();
  return { toReply, toEnd };
}

const server = await SwitchboardServer.start();
try {
  // One reporter for the process, as a worker shares it between its sessions.
  const reporter = new Reporter({ serverUrl: server.url, apiKey: server.agentKey });
  // Port 9 (discard) is closed on loopback here: every connection attempt is refused at once.
  const offline = new Reporter({ serverUrl: 'http://127.0.0.1:9', apiKey: server.agentKey, maxQueuedEvents: 100_000 });
  const modes = ['attached', 'detached', 'offline'];
  const results = Object.fromEntries(modes.map((m) => [m, { toReply: [], toEnd: [] }]));
  await block(undefined, -1); // warm-up, left out
  for (let b = 0; b < blocks && Date.now() < deadline; b++) {
    const mode = modes[b % modes.length];
    const r = await block(mode === 'attached' ? reporter : mode === 'offline' ? offline : undefined, b);
    results[mode].toReply.push(...r.toReply);
    results[mode].toEnd.push(...r.toEnd);
  }
  const flushed = await reporter.flush(30_000);
  await reporter.close();
  const unsent = offline.statistics;
  await offline.close();
  const at = (values, p) => {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(2);
  };
  const stats = reporter.statistics;
  console.log(`node ${process.version}, ${blocks} blocks of ${turnsPerBlock} text turns (attached and detached alternating; a warm-up block left out)`);
  console.log(`attached: ${stats.reported.toLocaleString('en')} events reported to a real server over ${stats.transport}, all acknowledged: ${flushed}, dropped ${stats.droppedEphemeral + stats.droppedDurable}`);
  console.log(`offline: ${unsent.reported.toLocaleString('en')} events reported, none sent (the server address refuses connections), dropped ${unsent.droppedEphemeral + unsent.droppedDurable}`);
  for (const mode of ['detached', 'offline', 'attached']) {
    const r = results[mode];
    console.log(`${mode.padEnd(8)} ${String(r.toReply.length).padStart(5)} turns: to reply p50 ${at(r.toReply, 50)} ms, p99 ${at(r.toReply, 99)} ms; to end of turn p50 ${at(r.toEnd, 50)} ms, p99 ${at(r.toEnd, 99)} ms`);
  }
} finally {
  await server.stop();
}
