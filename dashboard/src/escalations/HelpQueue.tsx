import { useCallback, useEffect, useMemo, useState, type FormEvent } from "react";
import { ApiError, getJson, send } from "../api/client";
import type { CallState, HelpRequest, KbSearchHit } from "../api/types";
import { useWallboard } from "../live/hooks";
import { onLinkClick } from "../shell/router";
import { StatusPill } from "../shell/StatusPill";
import { formatDuration, useNow } from "../shell/time";

function RequestCard({ request, now, canAct, onChanged }: { request: HelpRequest; now: number; canAct: boolean; onChanged: () => void }) {
  const [answer, setAnswer] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [hits, setHits] = useState<KbSearchHit[]>([]);
  const [recent, setRecent] = useState<NonNullable<CallState["recentTranscript"]>>([]);

  useEffect(() => {
    const ctrl = new AbortController();
    getJson<KbSearchHit[]>(`/api/v1/kb/search?q=${encodeURIComponent(request.question)}&limit=3`, ctrl.signal).then(setHits, () => setHits([]));
    getJson<CallState>(`/api/v1/calls/${encodeURIComponent(request.callId)}`, ctrl.signal).then((s) => setRecent((s.recentTranscript ?? []).slice(-5)), () => {});
    return () => ctrl.abort();
  }, [request.question, request.callId]);

  const act = async (path: string, body?: unknown) => {
    setError(null);
    try {
      await send("POST", `/api/v1/escalations/${encodeURIComponent(request.id)}/${path}`, body);
      onChanged();
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : `${path} failed`);
      return false;
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (answer.trim() && (await act("answer", { answer: answer.trim() }))) setAnswer("");
  };

  const id = `req-${request.id}`;
  return (
    <li className="panel request" aria-labelledby={`${id}-q`} data-request-id={request.id}>
      <div className="request-head">
        <span className="hold" aria-label={`on hold for ${formatDuration(request.requestedAt, now)}`}>
          {formatDuration(request.requestedAt, now)}
        </span>
        <h2 id={`${id}-q`}>{request.question}</h2>
        {request.topic && <span className="pill info">{request.topic}</span>}
        {request.claimedBy && <span className="pill muted">claimed by {request.claimedBy}</span>}
      </div>
      {request.context && <p className="context">{request.context}</p>}
      {recent.length > 0 && (
        <ol className="transcript mini" aria-label="Recent lines of the call">
          {recent.map((l) => (
            <li key={l.seq} className={`line speaker-${l.speaker}`}>
              <span className="who">{l.speaker}</span>
              <span className="text">{l.text}</span>
            </li>
          ))}
        </ol>
      )}
      <a href={`/calls/${encodeURIComponent(request.callId)}`} onClick={onLinkClick}>
        Open the call
      </a>
      {canAct && (
        <>
          {!request.claimedBy && (
            <button type="button" onClick={() => void act("claim")}>
              Claim
            </button>
          )}
          {hits.length > 0 && (
            <div className="quick" role="group" aria-label="Quick responses from the knowledge base">
              {hits.map((h) => (
                <button type="button" key={String(h.id)} className="chip" onClick={() => setAnswer(h.answer)} title={h.question}>
                  {h.answer.length > 80 ? h.answer.slice(0, 80) + "…" : h.answer}
                </button>
              ))}
            </div>
          )}
          <form onSubmit={submit} className="guide">
            <label htmlFor={`${id}-answer`}>Answer for the agent</label>
            <textarea id={`${id}-answer`} rows={2} value={answer} onChange={(e) => setAnswer(e.target.value)} />
            <button type="submit" className="primary" disabled={!answer.trim()}>
              Send answer
            </button>
          </form>
        </>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </li>
  );
}

export function HelpQueue({ canAct }: { canAct: boolean }) {
  const board = useWallboard();
  const now = useNow(1000);
  const [requests, setRequests] = useState<HelpRequest[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [permission, setPermission] = useState(() => (typeof Notification === "undefined" ? "denied" : Notification.permission));

  // The wallboard stream says when a call's open request changes; the queue is re-read then.
  const signature = useMemo(
    () =>
      board.calls
        .filter((c) => c.openEscalation)
        .map((c) => `${c.openEscalation?.requestId}:${c.openEscalation?.claimedBy ?? ""}`)
        .sort()
        .join("|"),
    [board.calls],
  );

  const load = useCallback(async () => {
    try {
      const list = await getJson<HelpRequest[] | { requests: HelpRequest[] }>("/api/v1/escalations");
      const open = (Array.isArray(list) ? list : list.requests).filter((r) => !r.status || r.status === "open" || r.status === "claimed");
      setProblem(null);
      setRequests(open.sort((a, b) => Date.parse(a.requestedAt) - Date.parse(b.requestedAt)));
    } catch (e) {
      setProblem(e instanceof ApiError && e.status === 404 ? "This server has no help queue API yet." : e instanceof Error ? e.message : "The queue could not be read.");
    }
  }, []);

  useEffect(() => {
    void load();
  }, [signature, load]);

  return (
    <section className="queue" aria-labelledby="queue-title">
      <div className="toolbar">
        <h1 id="queue-title">Help queue</h1>
        <span className="count" data-testid="queue-count">
          {requests?.length ?? 0} open
        </span>
        {permission === "default" && (
          <button type="button" onClick={() => void Notification.requestPermission().then(setPermission)}>
            Enable notifications
          </button>
        )}
        <StatusPill status={board.status} label="Queue updates" />
      </div>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {requests && requests.length === 0 && <p className="empty">Nobody is waiting.</p>}
      <ol className="requests" aria-label="Open help requests, longest waiting first">
        {requests?.map((r) => <RequestCard key={r.id} request={r} now={now} canAct={canAct} onChanged={() => void load()} />)}
      </ol>
    </section>
  );
}
