import { useEffect, useMemo, useRef, useState } from "react";
import { apiGet } from "../api/client";
import { num, type CallSummary } from "../api/types";
import { endReasonText } from "../call/callModel";
import { Transcript } from "../call/Transcript";
import { toLiveEvent, type LiveEvent } from "../live/callLog";
import { onLinkClick } from "../shell/router";
import { adjacentMark, buildReplay, clock, itemsAt, lastWhere, stateAt, type Replay } from "./replayModel";
import { DispositionPanel } from "./DispositionPanel";
import { formatSeconds, tone } from "./format";
import { RecordingAudio } from "./RecordingAudio";

// The first page is small so the first screen comes quickly; the rest comes in large pages.
const firstPage = 200;
const pageSize = 1000;
/** The transcript shows this many items up to the playhead; earlier ones are counted. */
const shownItems = 300;
const speeds = [1, 2, 4] as const;

/** Reads the call's log a page at a time; the first page is shown at once, the rest as it comes. */
function useCallLog(callId: string): { events: LiveEvent[]; complete: boolean; problem: string | null } {
  const [state, setState] = useState<{ events: LiveEvent[]; complete: boolean; problem: string | null }>({ events: [], complete: false, problem: null });
  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      const events: LiveEvent[] = [];
      let after = 0;
      try {
        for (;;) {
          const page = await apiGet("/api/v1/calls/{id}/events", { path: { id: callId }, query: { after, limit: after === 0 ? firstPage : pageSize }, signal: abort.signal });
          events.push(...page.events.map(toLiveEvent));
          const next = page.next === null || page.next === undefined ? null : num(page.next);
          setState({ events: [...events], complete: next === null, problem: null });
          if (next === null) break;
          after = next;
        }
      } catch (e) {
        if (!abort.signal.aborted) setState({ events: [...events], complete: true, problem: `The call's log could not be read: ${e instanceof Error ? e.message : "no answer"}` });
      }
    })();
    return () => abort.abort();
  }, [callId]);
  return state;
}

function useSummary(callId: string): CallSummary | null {
  const [summary, setSummary] = useState<CallSummary | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    // A call that has not ended has no summary: the replay then goes by its log alone.
    apiGet("/api/v1/calls/{id}/summary", { path: { id: callId }, signal: abort.signal }).then(setSummary, () => setSummary(null));
    return () => abort.abort();
  }, [callId]);
  return summary;
}

/** Plays the timeline: the playhead moves with the clock at the chosen speed until the end. */
function usePlayback(duration: number, initial: number) {
  const [t, setT] = useState(initial);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<(typeof speeds)[number]>(1);
  const tRef = useRef(t);
  tRef.current = t;
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function step(now) {
      const next = Math.min(duration, tRef.current + (now - last) * speed);
      last = now;
      setT(next);
      if (next >= duration) setPlaying(false);
      else frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, speed, duration]);
  return { t, setT, playing, setPlaying, speed, setSpeed };
}

const stateColours: Record<string, string> = { listening: "#3fb950", thinking: "#d2a8ff", speaking: "#79c0ff", initializing: "#6e7681", idle: "#6e7681" };
const markColours: Record<string, string> = {
  escalation: "#d29922",
  intervention: "#d2a8ff",
  "tool-error": "#ff7b72",
  alert: "#ff7b72",
  handoff: "#79c0ff",
  transfer: "#3fb950",
  end: "#8b949e",
};

/** The timeline drawn once per replay: agent states as bands, the customer's sentiment as a curve, marks as ticks. */
function Track({ replay, t, onSeek }: { replay: Replay; t: number; onSeek: (t: number) => void }) {
  const width = 1000;
  const height = 80;
  const x = (ms: number) => (replay.duration > 0 ? (ms / replay.duration) * width : 0);
  const bands = replay.states.map((s, i) => ({ ...s, end: replay.states[i + 1]?.t ?? replay.duration }));
  const curve = replay.sentiment.map((p) => `${x(p.t).toFixed(1)},${(45 - p.score * 25).toFixed(1)}`).join(" ");
  return (
    <svg
      className="replay-track"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`Timeline: ${replay.states.length} agent states, ${replay.sentiment.length} sentiment scores, ${replay.marks.length} marks`}
      onClick={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        onSeek(((e.clientX - box.left) / box.width) * replay.duration);
      }}
    >
      {bands.map((b, i) => (
        <rect key={i} x={x(b.t)} y={0} width={Math.max(0.5, x(b.end) - x(b.t))} height={8} fill={stateColours[b.state] ?? "#6e7681"} />
      ))}
      <line x1={0} x2={width} y1={45} y2={45} stroke="#30363d" strokeDasharray="4 4" />
      {curve && <polyline points={curve} fill="none" stroke="#ffa657" strokeWidth={2} vectorEffect="non-scaling-stroke" />}
      {replay.marks.map((m) => (
        <line key={`${m.seq}-${m.kind}`} x1={x(m.t)} x2={x(m.t)} y1={12} y2={height} stroke={markColours[m.kind]} strokeWidth={2} vectorEffect="non-scaling-stroke" />
      ))}
      <line className="playhead" x1={x(t)} x2={x(t)} y1={0} y2={height} stroke="#f0f6fc" strokeWidth={2} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

const ms = (v: number | undefined) => (v === undefined ? "" : `${Math.round(v)}`);

/**
 * Replay of any call: transcript, agent states, sentiment, per-turn latency, tool calls,
 * escalations and interventions on one timeline, scrubbed or played at 1×, 2× or 4×, with jumps
 * to marks. What shows is exactly what had happened at the playhead.
 */
export function ReplayView({ callId, canAct }: { callId: string; canAct: boolean }) {
  const log = useCallLog(callId);
  const summary = useSummary(callId);
  const replay = useMemo(() => buildReplay(log.events, summary?.startedAt, summary?.endedAt), [log.events, summary?.startedAt, summary?.endedAt]);
  const initial = Number(new URLSearchParams(location.search).get("t") ?? "0") * 1000;
  const play = usePlayback(replay.duration, Number.isFinite(initial) ? initial : 0);
  const t = Math.min(play.t, replay.duration);
  const shown = useMemo(() => itemsAt(replay, t), [replay, t]);
  const turns = replay.turns.filter((turn) => turn.t <= t).slice(-8);
  const state = stateAt(replay, t);
  const sentiment = lastWhere(replay.sentiment, (p) => p.t <= t);
  const seek = (to: number) => play.setT(Math.max(0, Math.min(replay.duration, to)));
  const jump = (direction: 1 | -1) => {
    const mark = adjacentMark(replay, t, direction);
    if (mark) seek(mark.t);
  };
  const started = summary?.startedAt ?? log.events[0]?.at;

  return (
    <section className="replay" aria-labelledby="replay-title" data-ready={log.events.length > 0 ? "true" : undefined} data-complete={log.complete ? "true" : "false"}>
      <div className="toolbar">
        <h1 id="replay-title">Replay · {callId}</h1>
        <a href="/history" onClick={onLinkClick}>
          Past calls
        </a>
        <a href={`/calls/${encodeURIComponent(callId)}`} onClick={onLinkClick}>
          Call room
        </a>
        <span className="count">
          {[
            replay.view.started?.agentName,
            started ? new Date(started).toLocaleString() : null,
            summary ? formatSeconds(summary.handleSeconds) : null,
            replay.view.ended ? endReasonText(replay.view.ended) : "not ended",
            summary?.score !== undefined && summary.score !== null ? `score ${summary.score}` : null,
            log.complete ? `${log.events.length} events` : `${log.events.length} events so far…`,
          ]
            .filter(Boolean)
            .join(" · ")}
        </span>
      </div>
      {log.problem && (
        <p role="alert" className="error">
          {log.problem}
        </p>
      )}
      <div className="panel player">
        <div className="buttons">
          <button type="button" className="primary" onClick={() => (t >= replay.duration ? (seek(0), play.setPlaying(true)) : play.setPlaying(!play.playing))}>
            {play.playing ? "Pause" : "Play"}
          </button>
          <span className="segmented" role="group" aria-label="Speed">
            {speeds.map((s) => (
              <button key={s} type="button" aria-pressed={play.speed === s} onClick={() => play.setSpeed(s)}>
                {s}×
              </button>
            ))}
          </span>
          <button type="button" onClick={() => jump(-1)} disabled={!adjacentMark(replay, t, -1)}>
            ◀ Previous mark
          </button>
          <button type="button" onClick={() => jump(1)} disabled={!adjacentMark(replay, t, 1)}>
            Next mark ▶
          </button>
          <output className="position" aria-label="Position">
            {clock(t)} / {clock(replay.duration)}
          </output>
          <span className="pill">{state ? `Agent ${state}` : "Agent not yet reporting"}</span>
          {sentiment && <span className={`pill tone tone-${tone(sentiment.score)}`}>Customer {sentiment.score.toFixed(2)}</span>}
        </div>
        <RecordingAudio recording={summary?.recording} callStart={replay.start} t={t} playing={play.playing} speed={play.speed} />
        <Track replay={replay} t={t} onSeek={seek} />
        <input
          type="range"
          className="scrubber"
          aria-label="Scrub the timeline"
          min={0}
          max={Math.max(1, Math.round(replay.duration))}
          step={100}
          value={Math.round(t)}
          onChange={(e) => {
            play.setPlaying(false);
            seek(Number(e.target.value));
          }}
        />
      </div>
      <div className="room-grid">
        <div className="room-main">
          {shown.length > shownItems && <p className="hint">{shown.length - shownItems} earlier items</p>}
          <Transcript items={shown.slice(-shownItems)} interim={[]} />
        </div>
        <div className="room-side">
          <div className="panel">
            <h2>Marks</h2>
            {replay.marks.length === 0 ? (
              <p className="hint">No escalations, interventions, errors or alerts.</p>
            ) : (
              <ol className="marks">
                {replay.marks.map((m) => (
                  <li key={`${m.seq}-${m.kind}`} className={`mark mark-${m.kind}${m.t <= t ? " passed" : ""}`}>
                    <button type="button" onClick={() => seek(m.t)}>
                      <time>{clock(m.t)}</time> {m.label}
                    </button>
                  </li>
                ))}
              </ol>
            )}
          </div>
          <DispositionPanel callId={callId} events={log.events} canAct={canAct} live={false} />
          <div className="panel">
            <h2>Turn latency (ms)</h2>
            {turns.length === 0 ? (
              <p className="hint">No turns yet at this point.</p>
            ) : (
              <table className="turns">
                <thead>
                  <tr>
                    <th scope="col">At</th>
                    <th scope="col">STT</th>
                    <th scope="col">LLM</th>
                    <th scope="col">TTS</th>
                    <th scope="col">End to end</th>
                  </tr>
                </thead>
                <tbody>
                  {turns.map((turn) => (
                    <tr key={turn.seq}>
                      <td>{clock(turn.t)}</td>
                      <td className="num">{ms(turn.sttMs)}</td>
                      <td className="num">{ms(turn.llmTtftMs)}</td>
                      <td className="num">{ms(turn.ttsTtfbMs)}</td>
                      <td className="num">{ms(turn.e2eMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </div>
      </div>
    </section>
  );
}
