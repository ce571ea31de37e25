import { useEffect, useLayoutEffect, useRef, useState, type FormEvent } from "react";
import { send } from "../api/client";
import { num, type HelpRequestView, type QuickResponse, type TranscriptLine } from "../api/types";
import { closedNotice } from "./closedNotice";
import type { QueuedRequest } from "../live/helpQueueStream";
import { useHelpQueue } from "../live/hooks";
import { onLinkClick } from "../shell/router";
import { StatusPill } from "../shell/StatusPill";
import { useNow } from "../shell/time";

function hold(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${(s % 60).toString().padStart(2, "0")}`;
}

/**
 * Knowledge-base answers the server found similar enough to offer, each with its match and where
 * it comes from; using one only fills the answer box, so the supervisor reads it before sending.
 */
function QuickResponses({ idPrefix, responses, onUse }: { idPrefix: string; responses: readonly QuickResponse[]; onUse: (answer: string) => void }) {
  return (
    <section className="quick" aria-label="Quick responses from the knowledge base">
      <p className="hint">Similar questions answered before, best match first. Check one before you send it.</p>
      <ul>
        {responses.map((r) => {
          const id = `${idPrefix}-kb-${String(r.entryId)}`;
          const match = Math.round(num(r.match) * 100);
          return (
            <li key={id} className="quick-response" data-entry-id={String(r.entryId)}>
              <div className="quick-source" id={`${id}-source`}>
                <span className="pill good" aria-label={`${match}% match`}>
                  {match}% match
                </span>
                <span>entry #{String(r.entryId)}</span>
                {r.topic && <span className="pill info">{r.topic}</span>}
                <span className="quick-question">for “{r.question}”</span>
              </div>
              <p className="quick-answer">{r.answer}</p>
              <button type="button" className="chip" onClick={() => onUse(r.answer)} aria-describedby={`${id}-source`}>
                Use this answer
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The call's last lines, scrolled to the newest (the line the agent asks about is the last one). */
function MiniTranscript({ lines }: { lines: readonly TranscriptLine[] }) {
  const ref = useRef<HTMLOListElement>(null);
  const newest = lines.at(-1)?.seq;
  useLayoutEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [newest]);
  return (
    <ol className="transcript mini" aria-label="The call's last lines" ref={ref} tabIndex={0}>
      {lines.map((l) => (
        <li key={String(l.seq)} className={`line speaker-${l.speaker}`}>
          <span className="who">{l.speaker}</span>
          <span className="text">{l.text}</span>
        </li>
      ))}
    </ol>
  );
}

function RequestCard({ item, now, me, onSent }: { item: QueuedRequest; now: number; me: string | null; onSent: (text: string) => void }) {
  const { request, recentTranscript, quickResponses } = item.view;
  const [answer, setAnswer] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (path: "claim" | "answer", body?: unknown) => {
    setError(null);
    setBusy(true);
    try {
      await send("POST", `/api/v1/escalations/${encodeURIComponent(request.id)}/${path}`, body);
      return true;
    } catch (e) {
      const why = (e instanceof Error ? e.message : "the server did not answer").trim().replace(/\.$/, "");
      setError(path === "answer" ? `Your answer was not sent: ${why}. It is kept above: send it again, or change it first.` : `You could not claim this request: ${why}.`);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = answer.trim();
    if (text && (await act("answer", { answer: text }))) {
      setAnswer("");
      onSent(`Your answer was sent to the agent: “${text}”`);
    }
  };

  const id = `req-${request.id}`;
  const claimedByOther = request.claimedBy && request.claimedBy !== me;
  const held = hold(now - item.holdingSince);
  return (
    <li className="panel request" aria-labelledby={`${id}-q`} data-request-id={request.id}>
      <div className="request-head">
        <span className="hold" role="timer" aria-label={`on hold for ${held}`}>
          {held}
        </span>
        <h2 id={`${id}-q`}>{request.question}</h2>
        {request.topic && <span className="pill info">{request.topic}</span>}
        {request.claimedBy && <span className="pill muted">claimed by {request.claimedBy}</span>}
      </div>
      {request.context && <p className="context">{request.context}</p>}
      {recentTranscript.length > 0 && <MiniTranscript lines={recentTranscript} />}
      <a href={`/calls/${encodeURIComponent(request.callId)}`} onClick={onLinkClick}>
        Open the call
      </a>
      {!request.claimedBy && (
        <button type="button" onClick={() => void act("claim")} disabled={busy}>
          Claim
        </button>
      )}
      {!claimedByOther && (
        <>
          {quickResponses.length > 0 && <QuickResponses idPrefix={id} responses={quickResponses} onUse={setAnswer} />}
          <form onSubmit={submit} className="guide">
            <label htmlFor={`${id}-answer`}>Answer for the agent</label>
            <textarea id={`${id}-answer`} rows={2} value={answer} onChange={(e) => setAnswer(e.target.value)} aria-invalid={error ? true : undefined} />
            <button type="submit" className="primary" disabled={busy || !answer.trim()}>
              Send answer
            </button>
          </form>
        </>
      )}
      {error && (
        <p role="alert" className="error failure">
          {error}
        </p>
      )}
    </li>
  );
}

/** Requests that left the queue while this page showed them, and what became of each. */
function RecentlyClosed({ closed, me }: { closed: readonly HelpRequestView[]; me: string | null }) {
  if (closed.length === 0) return null;
  return (
    <section className="closed-requests" aria-labelledby="closed-title">
      <h2 id="closed-title">Recently closed</h2>
      <ol aria-label="Recently closed">
        {closed.map((v) => (
          <li key={v.request.id} className={`closed-request status-${v.request.status}`} data-request-id={v.request.id}>
            <span className="closed-question">{v.request.question}</span>
            <span className="closed-outcome">{closedNotice(v, me)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function HelpQueue({ canAct, me }: { canAct: boolean; me: string | null }) {
  const [all, setAll] = useState(true);
  const queue = useHelpQueue(canAct, all);
  const now = useNow(1000);
  // The latest thing that happened to a request, announced once (and kept on screen).
  const [news, setNews] = useState("");
  const latestClosed = queue.closed[0];
  useEffect(() => {
    if (latestClosed) setNews(closedNotice(latestClosed, me));
  }, [latestClosed, me]);
  const [permission, setPermission] = useState(() => (typeof Notification === "undefined" ? "denied" : Notification.permission));
  useEffect(() => {
    document.title = queue.requests.length > 0 ? `(${queue.requests.length}) Help queue · Switchboard` : "Help queue · Switchboard";
    return () => {
      document.title = "Switchboard";
    };
  }, [queue.requests.length]);

  if (!canAct) return <p className="empty">The help queue is for supervisors.</p>;
  return (
    <section className="queue" aria-labelledby="queue-title">
      <div className="toolbar">
        <h1 id="queue-title">Help queue</h1>
        <span className="count" data-testid="queue-count">
          {queue.requests.length} waiting
        </span>
        <div role="group" aria-label="Which requests" className="segmented">
          <button type="button" aria-pressed={all} onClick={() => setAll(true)}>
            All
          </button>
          <button type="button" aria-pressed={!all} onClick={() => setAll(false)}>
            Routed to me
          </button>
        </div>
        {permission === "default" && (
          <button type="button" onClick={() => void Notification.requestPermission().then(setPermission)}>
            Enable notifications
          </button>
        )}
        <StatusPill status={queue.status} label="Help queue stream" />
      </div>
      <p role="status" aria-live="polite" aria-label="Help queue news" className="news">
        {news}
      </p>
      {queue.status === "live" && queue.requests.length === 0 && <p className="empty">Nobody is waiting.</p>}
      <ol className="requests" aria-label="Open help requests, longest waiting first">
        {queue.requests.map((r) => (
          <RequestCard key={r.view.request.id} item={r} now={now} me={me} onSent={setNews} />
        ))}
      </ol>
      <RecentlyClosed closed={queue.closed} me={me} />
    </section>
  );
}
