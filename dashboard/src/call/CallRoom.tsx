import { useMemo } from "react";
import { useCallStream } from "../live/hooks";
import { onLinkClick } from "../shell/router";
import { StatusPill } from "../shell/StatusPill";
import { formatTime } from "../shell/time";
import { foldCall } from "./callModel";
import { ControlBar } from "./ControlBar";
import { DebugPanel } from "./DebugPanel";
import { Transcript } from "./Transcript";

export function CallRoom({ callId, canAct }: { callId: string; canAct: boolean }) {
  const stream = useCallStream(callId);
  const view = useMemo(() => foldCall(stream.events), [stream.events]);
  const states = view.states.slice(-16);

  return (
    <section className="call-room" aria-labelledby="call-title" data-last-seq={stream.lastSeq}>
      <div className="toolbar">
        <a href="/" onClick={onLinkClick} className="back">
          ← Wallboard
        </a>
        <h1 id="call-title">Call {callId}</h1>
        {view.ended && <span className="pill warn">ended: {view.ended}</span>}
        {view.takeoverBy && <span className="pill warn">held by {view.takeoverBy}</span>}
        <span className="count">{stream.events.length} events</span>
        <StatusPill status={stream.status} label="Call stream" />
      </div>
      <div className="room-grid">
        <div className="room-main">
          <Transcript items={view.items} interim={stream.interim} />
          <section className="panel timeline" aria-labelledby="states-title">
            <h2 id="states-title">Agent state</h2>
            <ol className="states">
              {states.map((s, i) => (
                <li key={`${s.at}-${i}`} className={`state-${s.state}`}>
                  <span>{s.state}</span>
                  <time dateTime={s.at}>{formatTime(s.at)}</time>
                </li>
              ))}
            </ol>
          </section>
        </div>
        <aside className="room-side">
          {canAct && <ControlBar callId={callId} takeoverBy={view.takeoverBy} ended={view.ended !== null} />}
          {view.openEscalation && (
            <section className="panel warn-panel" aria-label="Open help request">
              <h2>Agent is asking for help</h2>
              <p>{view.openEscalation.question}</p>
              <a href="/queue" onClick={onLinkClick}>
                Answer in the help queue
              </a>
            </section>
          )}
          <section className="panel" aria-labelledby="people-title">
            <h2 id="people-title">Participants</h2>
            <ul className="people">
              {view.participants.map((p) => (
                <li key={p.identity}>
                  <span className="pill muted">{p.role}</span> {p.name ?? p.identity}
                </li>
              ))}
              {view.supervisors.map((s) => (
                <li key={`sup-${s.user}`}>
                  <span className="pill info">supervisor</span> {s.user} ({s.mode})
                </li>
              ))}
              {view.participants.length === 0 && view.supervisors.length === 0 && <li>None reported.</li>}
            </ul>
          </section>
          <DebugPanel turns={view.turns} debug={stream.debug} />
        </aside>
      </div>
    </section>
  );
}
