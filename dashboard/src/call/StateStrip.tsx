import { formatTime } from "../shell/time";
import { recentStates, type CallView } from "./callModel";

const seconds = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

/** The agent's last few states (the last two minutes, at most twelve), in one row, newest at the right. */
export function StateStrip({ states, now }: { states: CallView["states"]; now: number }) {
  const strip = recentStates(states, now);
  return (
    <section className="panel timeline" aria-labelledby="states-title">
      <h2 id="states-title">Agent state</h2>
      {strip.length === 0 ? (
        <p className="hint">No state reported yet.</p>
      ) : (
        <ol className="states" aria-label="Recent agent states">
          {strip.map((s, i) => (
            <li key={`${s.at}-${i}`} className={`state-${s.state}`} title={`${s.state} for ${seconds(s.ms)}, from ${formatTime(s.at)}`}>
              <span>{s.state}</span>
              <time dateTime={s.at}>{formatTime(s.at)}</time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
