// What reporting costs the agent's event loop: the Node integration's Reporter sends to a real
// Switchboard server process over its WebSocket while the loop reports transcript lines of 10
// calls; printed are the synchronous cost of each report() call and the loop's delay meanwhile.
//   (cd integrations/livekit-agents-node && npm ci && npm run build) && node bench/livekit-agents-node/report-cost.mjs [reports] [perSecond]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const pkg = new URL('../../integrations/livekit-agents-node/dist/', import.meta.url);
// SWITCHBOARD_NODE_DIST names another build of the integration's reporter (a before-and-after comparison).
const reporterDist = process.env.SWITCHBOARD_NODE_DIST ? new URL(`file://${process.env.SWITCHBOARD_NODE_DIST.replace(/\/?$/, '/')}`) : pkg;
const { Reporter } = await import(new URL('src/index.js', reporterDist));
const { SwitchboardServer } = await import(new URL('test/server.js', pkg));

const reports = Number(process.argv[2] ?? 50_000);
const perSecond = Number(process.argv[3] ?? 5_000);
const server = await SwitchboardServer.start();
try {
  const reporter = new Reporter({ serverUrl: server.url, apiKey: server.agentKey });
  const calls = Array.from({ length: 10 }, (_, i) => `RM_bench_${i}`);
  for (const c of calls) reporter.report(c, 'call.started', { agentName: 'bench' });
  await reporter.flush(30_000);

  const costs = new Float64Array(reports);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const perTick = Math.max(1, Math.round(perSecond / 100)); // every 10 ms, as speech and metrics arrive
  const started = process.hrtime.bigint();
  for (let i = 0; i < reports; ) {
    for (let k = 0; k < perTick && i < reports; k++, i++) {
      const callId = calls[i % calls.length];
      const t0 = process.hrtime.bigint();
      if (i % 2 === 0) reporter.report(callId, 'transcript.interim', { speaker: 'customer', segmentId: `s${i >> 4}`, text: 'I would like to move my' });
      else reporter.report(callId, 'transcript.final', { speaker: 'customer', segmentId: `s${i}`, text: 'I would like to move my appointment please' });
      costs[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    await sleep(10);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const flushed = await reporter.flush(60_000);
  loop.disable();
  for (const c of calls) reporter.report(c, 'call.ended', { reason: 'completed' });
  await reporter.close();
  // The first 5,000 reports run while V8 still compiles the reporting path: left out of the figures.
  const warm = Math.min(5_000, Math.floor(reports / 10));
  const sorted = [...costs.subarray(warm)].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  const stats = reporter.statistics;
  console.log(`node ${process.version}, ${reports.toLocaleString('en')} reports at ${Math.round(reports / seconds).toLocaleString('en')}/s to a real server over ${stats.transport}; all acknowledged: ${flushed}, dropped ${stats.droppedEphemeral + stats.droppedDurable}`);
  console.log(`report() on the event loop (after ${warm.toLocaleString('en')} warm-up reports): p50 ${at(50).toFixed(2)} µs, p99 ${at(99).toFixed(2)} µs, p99.9 ${at(99.9).toFixed(2)} µs, max ${sorted.at(-1).toFixed(1)} µs (target p99 <= 50 µs)`);
  console.log(`event-loop delay meanwhile (sending included): p50 ${(loop.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(2)} ms, max ${(loop.max / 1e6).toFixed(2)} ms`);
} finally {
  await server.stop();
}
