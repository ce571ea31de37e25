import { useCallback, useEffect, useState, type FormEvent } from "react";
import { apiGet } from "../api/client";
import { num, type AuditEntry } from "../api/types";
import { formatTime } from "../shell/time";

const pageSize = 25;
const outcomes = ["ok", "denied", "conflict", "invalid", "failed", "throttled"] as const;

interface Filters {
  actor: string;
  action: string;
  outcome: string;
  callId: string;
  from: string;
  to: string;
}

const noFilters: Filters = { actor: "", action: "", outcome: "", callId: "", from: "", to: "" };

/** A local date-time field's value as the UTC instant the API takes. */
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return "";
  return typeof detail === "string" ? detail : JSON.stringify(detail);
}

/**
 * The audit trail for admins: newest first, filtered as the API filters (the action takes `*` as
 * a wildcard), a page of 25 at a time. "Older" pages with the last id seen; the filters stay.
 */
export function AuditView() {
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [applied, setApplied] = useState<Filters>(noFilters);
  // Ids of the pages' starting points: [] is the newest page; each "Older" pushes the last id seen.
  const [cursors, setCursors] = useState<number[]>([]);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const before = cursors.at(-1);

  const load = useCallback(
    async (signal: AbortSignal) => {
      try {
        const page = await apiGet("/api/v1/admin/audit", {
          query: {
            actor: applied.actor.trim(),
            action: applied.action.trim(),
            outcome: applied.outcome,
            callId: applied.callId.trim(),
            from: instant(applied.from),
            to: instant(applied.to),
            before,
            limit: pageSize + 1,
          },
          signal,
        });
        setEntries(page);
        setProblem(null);
      } catch (e) {
        if (!signal.aborted) setProblem(`The audit log could not be read: ${e instanceof Error ? e.message : "no answer"}`);
      }
    },
    [applied, before],
  );

  useEffect(() => {
    const abort = new AbortController();
    // Another query: the rows on screen no longer answer it.
    setEntries(null);
    void load(abort.signal);
    return () => abort.abort();
  }, [load]);

  const shown = entries?.slice(0, pageSize) ?? [];
  // One more than a page was asked for: if it came, there are older records.
  const more = (entries?.length ?? 0) > pageSize;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCursors([]);
    setApplied(draft);
  };
  const field = (name: keyof Filters) => ({ value: draft[name], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }) });

  return (
    <section className="audit-view" aria-labelledby="audit-title">
      <div className="toolbar">
        <h1 id="audit-title">Audit log</h1>
        <span className="count">
          {entries === null ? "Loading…" : shown.length === 0 ? "No records match." : `${shown.length} records${cursors.length > 0 ? `, page ${cursors.length + 1}` : ""}`}
        </span>
      </div>
      <form role="search" aria-label="Filter the audit log" className="panel inline-form audit-filters" onSubmit={submit}>
        <label>
          Actor
          <input {...field("actor")} placeholder="ana, system…" />
        </label>
        <label>
          Action
          <input {...field("action")} placeholder="call.* or auth.login" />
        </label>
        <label>
          Outcome
          <select {...field("outcome")}>
            <option value="">any</option>
            {outcomes.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label>
          Call
          <input {...field("callId")} placeholder="call id" />
        </label>
        <label>
          From
          <input type="datetime-local" {...field("from")} />
        </label>
        <label>
          To
          <input type="datetime-local" {...field("to")} />
        </label>
        <button type="submit" className="primary">
          Show
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(noFilters);
            setCursors([]);
            setApplied(noFilters);
          }}
        >
          Clear
        </button>
      </form>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="table-scroll stack-table">
        <table className="audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Target</th>
              <th scope="col">Call</th>
              <th scope="col">Address</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={String(e.id)} data-id={String(e.id)} className={`outcome-${e.outcome}`}>
                <td data-label="When">
                  <time dateTime={e.at} title={new Date(e.at).toLocaleString()}>
                    {new Date(e.at).toLocaleDateString()} {formatTime(e.at)}
                  </time>
                </td>
                <td data-label="Actor">{e.actor}</td>
                <td data-label="Action">{e.action}</td>
                <td data-label="Outcome">{e.outcome}</td>
                <td data-label="Target">{e.target ?? ""}</td>
                <td data-label="Call">{e.callId ?? ""}</td>
                <td data-label="Address">{e.ip ?? ""}</td>
                <td data-label="Detail" className="detail">
                  <code>{detailText(e.detail)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="buttons pager">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors([])}>
          Newest
        </button>
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={!more} onClick={() => setCursors([...cursors, num(shown.at(-1)?.id)])}>
          Older
        </button>
      </div>
    </section>
  );
}
