import { useEffect, useState, type FormEvent } from "react";
import { getJson, urlOf } from "../api/client";
import { num, type CallList, type CallSummary, type TranscriptHit } from "../api/types";
import { endReasonText } from "../call/callModel";
import { navigate, onLinkClick, useSearch } from "../shell/router";
import { apiQuery, defaults, filterNames, readFilters, type FilterName, type Filters } from "./filters";
import { formatSeconds, tone } from "./format";

const pageSize = 25;
const endReasons = ["completed", "caller_hangup", "transferred", "supervisor_ended", "agent_error", "room_finished", "reconciled"];

/** A filter that is either, yes or no. */
function YesNo({ label, value, onChange }: { label: string; value: string; onChange: (e: { target: { value: string } }) => void }) {
  return (
    <label>
      {label}
      <select value={value} onChange={onChange}>
        <option value="">either</option>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    </label>
  );
}

/** A line with the searched words marked. */
function Marked({ hit }: { hit: TranscriptHit }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const m of hit.marks) {
    const start = num(m.start);
    const end = start + num(m.length);
    if (start > at) parts.push(hit.text.slice(at, start));
    parts.push(<mark key={start}>{hit.text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(hit.text.slice(at));
  return <>{parts}</>;
}

function Row({ call, hits }: { call: CallSummary; hits: TranscriptHit[] | undefined }) {
  const replay = `/calls/${encodeURIComponent(call.callId)}/replay`;
  const sentiment = call.sentiment ? num(call.sentiment.mean) : null;
  return (
    <>
      <tr data-call={call.callId} className={call.flagged ? "flagged" : undefined}>
        <td data-label="Started">
          {call.startedAt && (
            <time dateTime={call.startedAt} title={new Date(call.startedAt).toLocaleString()}>
              {new Date(call.startedAt).toLocaleString([], { dateStyle: "short", timeStyle: "short" })}
            </time>
          )}
        </td>
        <td data-label="Agent">
          {call.agentName ?? ""}
          {(call.personas?.length ?? 0) > 1 && <span className="hint"> · {call.personas!.slice(1).join(", ")}</span>}
        </td>
        <td data-label="Caller">{call.callerName ?? call.callerNumber ?? ""}</td>
        <td data-label="Handle" className="num">
          {formatSeconds(call.handleSeconds)}
        </td>
        <td data-label="Ended">{endReasonText(call.endReason)}</td>
        <td data-label="Contained">{call.contained ? "yes" : "no"}</td>
        <td data-label="Sentiment" className={`num tone tone-${sentiment === null ? "neutral" : tone(sentiment)}`}>
          {sentiment === null ? "–" : sentiment.toFixed(2)}
        </td>
        <td data-label="Score" className="num">
          {call.score === null || call.score === undefined ? "–" : num(call.score).toFixed(0)}
          {call.flagged && <span className="pill warn">{call.review ? call.review.verdict : "flagged"}</span>}
        </td>
        <td data-label="Tags">{call.tags?.join(", ")}</td>
        <td>
          <a href={replay} onClick={onLinkClick}>
            Replay
          </a>
        </td>
      </tr>
      {hits && hits.length > 0 && (
        <tr className="hits">
          <td colSpan={10}>
            <ul>
              {hits.map((h) => (
                <li key={String(h.seq)}>
                  <a href={`${replay}?t=${Math.max(0, Math.floor((Date.parse(h.at) - Date.parse(call.startedAt ?? h.at)) / 1000))}`} onClick={onLinkClick}>
                    <span className={`who speaker-${h.speaker}`}>{h.speaker}</span> <Marked hit={h} />
                  </a>
                </li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}

/**
 * Past calls from the archive: filters and transcript search in the address (so analytics can
 * link to the calls behind a figure), newest first a page at a time, and the same query as CSV.
 */
export function PastCallsView() {
  const search = useSearch();
  const current = readFilters(search);
  const [draft, setDraft] = useState<Filters>(current);
  const [page, setPage] = useState<CallList | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    setDraft(readFilters(search));
    const abort = new AbortController();
    setPage(null);
    const f = readFilters(search);
    getJson<CallList>(urlOf("/api/v1/calls", {}, { status: "ended", ...apiQuery(f), before: f.before || undefined, limit: pageSize }), abort.signal).then(
      (p) => {
        setPage(p);
        setProblem(null);
      },
      (e: unknown) => {
        if (!abort.signal.aborted) setProblem(`Past calls could not be read: ${e instanceof Error ? e.message : "no answer"}`);
      },
    );
    return () => abort.abort();
  }, [search]);

  const go = (f: Filters, before?: string) => {
    const params = new URLSearchParams();
    for (const n of filterNames) if (f[n].trim()) params.set(n, f[n].trim());
    if (!f.from && !f.to) params.set("to", "");
    if (before) params.set("before", before);
    navigate(`/history?${params.toString()}`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go(draft);
  };
  const field = (name: FilterName) => ({ value: draft[name], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }) });
  const calls = page?.past ?? [];
  const nextBefore = page?.next ? new URL(page.next, location.origin).searchParams.get("before") : null;
  const csv = urlOf("/api/v1/calls", {}, { status: "ended", ...apiQuery(current), format: "csv" });

  return (
    <section className="past-calls" aria-labelledby="past-title">
      <div className="toolbar">
        <h1 id="past-title">Past calls</h1>
        <span className="count" role="status">
          {page === null ? "Loading…" : calls.length === 0 ? "No calls match." : `${calls.length} calls${current.before ? " (older page)" : ""}`}
        </span>
        <a className="export" href={csv} download="calls.csv">
          Export CSV
        </a>
      </div>
      <form role="search" aria-label="Filter past calls" className="panel inline-form past-filters" onSubmit={submit}>
        <label className="wide">
          Transcript words
          <input type="search" {...field("q")} placeholder="refund, cancel…" />
        </label>
        <label>
          From
          <input type="date" {...field("from")} />
        </label>
        <label>
          To
          <input type="date" {...field("to")} />
        </label>
        <label>
          Agent
          <input {...field("agent")} />
        </label>
        <label>
          Persona
          <input {...field("persona")} />
        </label>
        <label>
          Ended
          <select {...field("endReason")}>
            <option value="">any way</option>
            {endReasons.map((r) => (
              <option key={r} value={r}>
                {endReasonText(r)}
              </option>
            ))}
          </select>
        </label>
        <YesNo label="Contained" {...field("contained")} />
        <label>
          Sentiment below
          <input type="number" min={-1} max={1} step={0.05} {...field("sentimentBelow")} />
        </label>
        <label>
          Score below
          <input type="number" min={0} max={100} step={1} {...field("scoreBelow")} />
        </label>
        <YesNo label="Flagged" {...field("flagged")} />
        <YesNo label="Completed" {...field("completed")} />
        <YesNo label="Escalated" {...field("escalated")} />
        <YesNo label="Transferred" {...field("transferred")} />
        <YesNo label="Intervened" {...field("intervened")} />
        <YesNo label="Tool failed" {...field("toolErrors")} />
        <label>
          Tag
          <input {...field("tag")} />
        </label>
        <button type="submit" className="primary">
          Search
        </button>
        <button type="button" onClick={() => go({ ...(Object.fromEntries(filterNames.map((n) => [n, ""])) as Filters), ...defaults() })}>
          Clear
        </button>
      </form>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="table-scroll stack-table">
        <table className="past">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Agent</th>
              <th scope="col">Caller</th>
              <th scope="col">Handle</th>
              <th scope="col">Ended</th>
              <th scope="col">Contained</th>
              <th scope="col">Sentiment</th>
              <th scope="col">Score</th>
              <th scope="col">Tags</th>
              <th scope="col">
                <span className="sr-only">Replay</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {calls.map((c) => (
              <Row key={c.callId} call={c} hits={page?.hits?.[c.callId]} />
            ))}
          </tbody>
        </table>
      </div>
      <div className="buttons pager">
        <button type="button" disabled={!current.before} onClick={() => go(current)}>
          Newest
        </button>
        <button type="button" disabled={!nextBefore} onClick={() => go(current, nextBefore ?? undefined)}>
          Older
        </button>
      </div>
    </section>
  );
}
