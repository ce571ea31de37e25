import type { CallState } from "../api/types";
import type { StreamStatus } from "../live/eventSource";
import { StatusPill } from "../shell/StatusPill";
import { formatDuration, formatTime } from "../shell/time";
import { endReasonText, type CallView } from "./callModel";

/** The end of a long id, enough to tell two calls apart; the whole id is in the title. */
export function idTail(callId: string): string {
  return callId.length > 10 ? `…${callId.slice(-6)}` : callId;
}

function modeText(mode: string): string {
  return mode === "takeover" ? "holding the call" : "listening";
}

/**
 * Who the call is with and how it stands: the caller, persona, agent and duration; whether it
 * still runs or how it ended; who holds it and who is watching.
 */
export function CallHeading({
  callId,
  view,
  state,
  me,
  now,
  status,
}: {
  callId: string;
  view: CallView;
  state: CallState;
  me: string | null;
  now: number;
  status: StreamStatus;
}) {
  const caller = view.started?.caller ?? state.caller ?? undefined;
  const name = caller?.name ?? caller?.number ?? caller?.identity ?? callId;
  const number = caller?.name ? caller.number : undefined;
  const startedAt = view.started?.at ?? state.startedAt;
  const endedAt = view.endedAt ?? (state.status === "ended" ? (state.endedAt ?? null) : null);
  const endReason = view.ended ?? (state.status === "ended" ? (state.endReason ?? null) : null);
  const ended = endedAt !== null || endReason !== null;
  const duration = startedAt ? formatDuration(startedAt, endedAt ? Date.parse(endedAt) : now) : null;
  const persona = view.persona ?? state.persona ?? null;
  const agent = view.started?.agentName ?? state.agentName ?? null;
  const holder = ended ? null : view.takeoverBy;
  const watchers = ended ? [] : [...view.supervisors].sort((a, b) => (a.mode === "takeover" ? -1 : 0) - (b.mode === "takeover" ? -1 : 0));

  return (
    <header className="call-head">
      <div className="toolbar">
        <h1 id="call-title">{name}</h1>
        {ended ? <span className="pill warn">Ended</span> : <StatusPill status={status} label="Call stream" />}
        {holder && <span className="pill warn">{holder === me ? "You hold the call" : `Held by ${holder}`}</span>}
      </div>
      <section className="call-facts" aria-label="About this call">
        <dl>
          {number && (
            <div>
              <dt>Number</dt>
              <dd>{number}</dd>
            </div>
          )}
          <div>
            <dt>Persona</dt>
            <dd>{persona ?? "—"}</dd>
          </div>
          <div>
            <dt>Agent</dt>
            <dd>{agent ?? "—"}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{duration ?? "—"}</dd>
          </div>
          <div>
            <dt>Call</dt>
            <dd title={callId}>{idTail(callId)}</dd>
          </div>
        </dl>
      </section>
      <p className={`call-state${ended ? " ended" : ""}`} role="status" aria-label="Call state">
        {ended
          ? `This call ended${endedAt ? ` at ${formatTime(endedAt)}` : ""}: ${endReasonText(endReason)}.${duration ? ` It lasted ${duration}.` : ""} Nothing can be changed in it now.`
          : `In progress${duration ? ` for ${duration}` : ""}.`}
      </p>
      {!ended && (
        <section className="watching" aria-label="Watching">
          <span className="what">Watching:</span>{" "}
          {watchers.length === 0
            ? "no supervisor is listening or holding the call."
            : watchers.map((w, i) => (
                <span key={w.user} className="watcher" data-user={w.user}>
                  {i > 0 && ", "}
                  {w.user === me ? "you" : w.user} ({modeText(w.mode)})
                </span>
              ))}
        </section>
      )}
    </header>
  );
}
