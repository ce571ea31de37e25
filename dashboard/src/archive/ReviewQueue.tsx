import { useEffect, useState, type FormEvent } from "react";
import { getJson, requestId, send, urlOf } from "../api/client";
import { num, type CallList, type CallSummary } from "../api/types";
import { onLinkClick } from "../shell/router";
import { formatSeconds } from "./format";

/** One flagged call: why the scorecard flagged it, and the supervisor's verdict. */
function ReviewCard({ call, onDone }: { call: CallSummary; onDone: (verdict: string) => void }) {
  const [overriding, setOverriding] = useState(false);
  const [score, setScore] = useState(String(num(call.score)));
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const criteria = call.scorecard?.criteria ?? [];
  const review = async (body: { verdict: string; score?: number; note?: string }) => {
    setBusy(true);
    try {
      await send("POST", `/api/v1/calls/${encodeURIComponent(call.callId)}/review`, { ...body, requestId: requestId() });
      onDone(body.verdict);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : "The review was not saved.");
    } finally {
      setBusy(false);
    }
  };
  const submitOverride = (e: FormEvent) => {
    e.preventDefault();
    void review({ verdict: "overridden", score: Number(score), note });
  };
  return (
    <li className="panel review" data-call={call.callId}>
      <div className="request-head">
        <h2>
          <a href={`/calls/${encodeURIComponent(call.callId)}/replay`} onClick={onLinkClick}>
            {call.callId}
          </a>
        </h2>
        <span className="pill warn">score {num(call.score).toFixed(0)}</span>
        <span className="hint">
          {[call.agentName, call.startedAt ? new Date(call.startedAt).toLocaleString() : null, formatSeconds(call.handleSeconds)].filter(Boolean).join(" · ")}
        </span>
      </div>
      <ul className="criteria">
        {criteria.map((c) => (
          <li key={c.id} className={c.passed ? "passed" : "failed"}>
            <span className="criterion">{c.passed ? "✓" : "✗"} {c.id}</span>
            {c.critical && <span className="pill warn">critical</span>} <span className="hint">{c.detail}</span>
          </li>
        ))}
      </ul>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {overriding ? (
        <form className="inline-form" onSubmit={submitOverride} aria-label={`Override the score of ${call.callId}`}>
          <label>
            Score
            <input type="number" min={0} max={100} step={1} value={score} onChange={(e) => setScore(e.target.value)} required />
          </label>
          <label className="wide">
            Why
            <input value={note} onChange={(e) => setNote(e.target.value)} required maxLength={2000} />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            Save override
          </button>
          <button type="button" onClick={() => setOverriding(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="buttons">
          <button type="button" className="primary" disabled={busy} onClick={() => void review({ verdict: "confirmed" })}>
            Confirm
          </button>
          <button type="button" disabled={busy} onClick={() => setOverriding(true)}>
            Override…
          </button>
        </div>
      )}
    </li>
  );
}

/** Calls the scorecard flagged and nobody has reviewed yet, newest first; each verdict is audited. */
export function ReviewQueue() {
  const [calls, setCalls] = useState<CallSummary[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    getJson<CallList>(urlOf("/api/v1/calls", {}, { status: "ended", review: "pending", limit: 50 }), abort.signal).then(
      (list) => setCalls(list.past ?? []),
      (e: unknown) => {
        if (!abort.signal.aborted) setProblem(`The review queue could not be read: ${e instanceof Error ? e.message : "no answer"}`);
      },
    );
    return () => abort.abort();
  }, []);
  return (
    <section className="reviews" aria-labelledby="reviews-title">
      <div className="toolbar">
        <h1 id="reviews-title">Review queue</h1>
        <span className="count" role="status">
          {done ?? (calls === null ? "Loading…" : calls.length === 0 ? "Nothing to review." : `${calls.length} flagged calls`)}
        </span>
      </div>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <ul className="requests">
        {calls?.map((c) => (
          <ReviewCard
            key={c.callId}
            call={c}
            onDone={(verdict) => {
              setCalls((list) => list?.filter((x) => x.callId !== c.callId) ?? null);
              setDone(`${c.callId} ${verdict}.`);
            }}
          />
        ))}
      </ul>
    </section>
  );
}
