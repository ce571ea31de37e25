import type { DebugFrame } from "../live/callLog";
import { formatTime } from "../shell/time";
import type { TurnLatency } from "./callModel";

const ms = (v: number | undefined) => (v === undefined ? "—" : `${Math.round(v)}`);

export function DebugPanel({ turns, debug }: { turns: readonly TurnLatency[]; debug: readonly DebugFrame[] }) {
  const recent = turns.slice(-12).reverse();
  return (
    <section className="panel debug" aria-labelledby="debug-title">
      <h2 id="debug-title">Latency per turn (ms)</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">End of utterance</th>
              <th scope="col">STT</th>
              <th scope="col">LLM first token</th>
              <th scope="col">TTS first byte</th>
              <th scope="col">End to end</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((t) => (
              <tr key={t.seq} className={(t.e2eMs ?? 0) > 2000 ? "slow" : undefined}>
                <td className="num">{ms(t.endOfUtteranceMs)}</td>
                <td className="num">{ms(t.sttMs)}</td>
                <td className="num">{ms(t.llmTtftMs)}</td>
                <td className="num">{ms(t.ttsTtfbMs)}</td>
                <td className="num">{ms(t.e2eMs)}</td>
              </tr>
            ))}
            {recent.length === 0 && (
              <tr>
                <td colSpan={5}>No turns measured yet.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <h2>Debug stream</h2>
      <ol className="debug-lines" aria-label="Debug stream">
        {debug.slice(-60).map((f, i) => (
          <li key={`${f.at}-${i}`}>
            <time dateTime={f.at}>{formatTime(f.at)}</time> {f.category && <span className="pill muted">{f.category}</span>} {f.message}
          </li>
        ))}
      </ol>
    </section>
  );
}
