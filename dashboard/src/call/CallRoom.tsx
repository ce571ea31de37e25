import { useMemo } from "react";
import type { CallState } from "../api/types";
import { DispositionPanel } from "../archive/DispositionPanel";
import { useCallStream } from "../live/hooks";
import { onLinkClick } from "../shell/router";
import { useNow } from "../shell/time";
import { CallHeading } from "./CallHeading";
import { foldCall } from "./callModel";
import { ControlBar } from "./ControlBar";
import { DebugPanel } from "./DebugPanel";
import { StateStrip } from "./StateStrip";
import { Transcript } from "./Transcript";
import { useCallState } from "./useCallState";

function Back() {
  return (
    <a href="/" onClick={onLinkClick} className="back">
      ← Wallboard
    </a>
  );
}

/** A call's room, once the server has said the call exists (an unknown id opens nothing). */
export function CallRoom({ callId, canAct, me }: { callId: string; canAct: boolean; me: string | null }) {
  const lookup = useCallState(callId);
  switch (lookup.kind) {
    case "loading":
      return <p className="loading">Loading the call…</p>;
    case "missing":
      return (
        <section className="call-room missing" aria-labelledby="call-title">
          <Back />
          <h1 id="call-title">No such call</h1>
          <p>
            The server knows no call with the id <code>{callId}</code>. Check the link, or find the call on the wallboard.
          </p>
        </section>
      );
    case "failed":
      return (
        <section className="call-room" aria-labelledby="call-title">
          <Back />
          <h1 id="call-title">The call could not be opened</h1>
          <p role="alert" className="error">
            {lookup.message}
          </p>
        </section>
      );
    case "found":
      return <LiveRoom callId={callId} canAct={canAct} me={me} state={lookup.state} />;
  }
}

function LiveRoom({ callId, canAct, me, state }: { callId: string; canAct: boolean; me: string | null; state: CallState }) {
  const stream = useCallStream(callId);
  const view = useMemo(() => foldCall(stream.events), [stream.events]);
  const now = useNow(1000);
  const ended = view.ended !== null || (view.started === null && state.status === "ended");

  return (
    <section className="call-room" aria-labelledby="call-title" data-last-seq={stream.lastSeq}>
      <Back />
      <CallHeading callId={callId} view={view} state={state} me={me} now={now} status={stream.status} />
      <div className="room-grid">
        <div className="room-main">
          <Transcript items={view.items} interim={ended ? [] : stream.interim} />
          <StateStrip states={view.states} now={view.endedAt ? Date.parse(view.endedAt) : now} />
        </div>
        <aside className="room-side">
          {canAct && <ControlBar callId={callId} holder={ended ? null : view.takeoverBy} me={me} ended={ended} />}
          {view.openEscalation && !ended && (
            <section className="panel warn-panel" aria-label="Open help request">
              <h2>Agent is asking for help</h2>
              <p>{view.openEscalation.question}</p>
              <a href="/queue" onClick={onLinkClick}>
                Answer in the help queue
              </a>
            </section>
          )}
          <DispositionPanel callId={callId} events={stream.events} canAct={canAct} live />
          <section className="panel" aria-labelledby="people-title">
            <h2 id="people-title">Participants</h2>
            <ul className="people">
              {view.participants.map((p) => (
                <li key={p.identity}>
                  <span className="pill muted">{p.role}</span> {p.name ?? p.identity}
                </li>
              ))}
              {view.participants.length === 0 && <li>None reported.</li>}
            </ul>
            <p className="hint">{stream.events.length} events</p>
          </section>
          <DebugPanel turns={view.turns} debug={stream.debug} />
        </aside>
      </div>
    </section>
  );
}
