import { useMemo, useState } from "react";
import { num, type WallboardCall } from "../api/types";
import { onLinkClick } from "../shell/router";
import { formatDuration } from "../shell/time";
import { scoreText, sentimentOf, toneOf } from "./attention";
import { callerLabels, callerName, flagsOf, labelText } from "./callText";
import { budgetBadge, budgetDetail } from "./latencyText";

type Column = "attention" | "caller" | "persona" | "duration" | "sentiment" | "state" | "latency";
type Flag = "all" | "help" | "negative" | "takeover" | "errors" | "slow";

const columns: [Column, string][] = [
  ["caller", "Caller"],
  ["persona", "Persona"],
  ["duration", "Duration"],
  ["sentiment", "Sentiment"],
  ["state", "Agent"],
  ["latency", "Latency"],
];

function sortValue(call: WallboardCall, column: Column, rank: number): number | string {
  switch (column) {
    case "attention":
      return rank;
    case "caller":
      return callerName(call).toLowerCase();
    case "persona":
      return (call.persona ?? call.agentName ?? "").toLowerCase();
    case "duration":
      return Date.parse(call.startedAt);
    case "sentiment":
      return sentimentOf(call).call?.score ?? sentimentOf(call).lastLine?.score ?? 0;
    case "state":
      return call.agentState ?? "";
    case "latency":
      return num(call.lastE2eMs);
  }
}

/**
 * Both sentiment figures, each named: the call's (rolling, what the attention reasons quote) and
 * the caller's last line's.
 */
function Sentiment({ call }: { call: WallboardCall }) {
  const { call: rolling, lastLine } = sentimentOf(call);
  if (!rolling && !lastLine) return <>—</>;
  return (
    <>
      {rolling && (
        <span className="figure" title="The call's sentiment: all the caller's lines, the latest weighing most (−1 to 1)">
          <span className="what">call</span> <span className={`tone tone-${rolling.label}`}>{rolling.label} {scoreText(rolling.score)}</span>
          {rolling.direction !== "steady" && <span className="trend"> {rolling.direction}</span>}
        </span>
      )}
      {lastLine && (
        <span className="figure sub" title="The sentiment of the caller's latest line alone (−1 to 1)">
          <span className="what">last line</span> <span className={`tone tone-${lastLine.label}`}>{lastLine.label} {scoreText(lastLine.score)}</span>
        </span>
      )}
    </>
  );
}

/** The call's flags; the latency budget's as a badge that names the stages over it. */
function Flags({ call }: { call: WallboardCall }) {
  const slow = budgetBadge(call);
  const others = flagsOf(call).filter((f) => f !== slow);
  if (!slow && others.length === 0) return <>—</>;
  return (
    <>
      {slow && (
        <span className="budget-badge" title={budgetDetail(call)} data-testid="budget-flag">
          {slow}
        </span>
      )}
      {others.join(" · ")}
    </>
  );
}

/** A sortable, filterable table of the active calls. `calls` arrive in attention order. */
export function CardView({ calls, now }: { calls: readonly WallboardCall[]; now: number }) {
  const [sort, setSort] = useState<{ column: Column; ascending: boolean }>({ column: "attention", ascending: true });
  const [text, setText] = useState("");
  const [flag, setFlag] = useState<Flag>("all");

  const labels = useMemo(() => callerLabels(calls), [calls]);
  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const ranked = calls.map((call, rank) => ({ call, rank }));
    const kept = ranked.filter(({ call }) => {
      if (flag === "help" && !call.openEscalation) return false;
      if (flag === "negative" && toneOf(call) !== "negative") return false;
      if (flag === "takeover" && !call.takeoverBy) return false;
      if (flag === "errors" && num(call.toolErrors) === 0) return false;
      if (flag === "slow" && !budgetBadge(call)) return false;
      if (!needle) return true;
      return [callerName(call), call.caller?.number, call.persona, call.agentName, call.lastLine?.text, call.callId].some((v) => v?.toLowerCase().includes(needle));
    });
    const dir = sort.ascending ? 1 : -1;
    // Duration sorts by start time, so "ascending" duration means the newest first; flip it.
    const flip = sort.column === "duration" ? -1 : 1;
    return kept.sort((a, b) => {
      const va = sortValue(a.call, sort.column, a.rank);
      const vb = sortValue(b.call, sort.column, b.rank);
      return (va < vb ? -1 : va > vb ? 1 : a.rank - b.rank) * dir * flip;
    });
  }, [calls, sort, text, flag]);

  const header = (column: Column, label: string) => {
    const active = sort.column === column;
    return (
      <th key={column} scope="col" aria-sort={active ? (sort.ascending ? "ascending" : "descending") : "none"}>
        <button type="button" onClick={() => setSort({ column, ascending: active ? !sort.ascending : true })}>
          {label}
          <span aria-hidden="true">{active ? (sort.ascending ? " ▲" : " ▼") : ""}</span>
        </button>
      </th>
    );
  };

  return (
    <section className="cards stack-table sortable" aria-label="Calls as a table">
      <div className="filters">
        <label>
          Filter
          <input type="search" placeholder="caller, persona, words…" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label>
          Show
          <select value={flag} onChange={(e) => setFlag(e.target.value as Flag)}>
            <option value="all">all calls</option>
            <option value="help">needing help</option>
            <option value="negative">negative sentiment</option>
            <option value="takeover">taken over</option>
            <option value="errors">with tool errors</option>
            <option value="slow">over the latency budget</option>
          </select>
        </label>
        <span className="count">
          {rows.length} of {calls.length}
        </span>
      </div>
      <table>
        <thead>
          <tr>
            {header("attention", "#")}
            {columns.map(([c, l]) => header(c, l))}
            <th scope="col">Last line</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ call, rank }) => (
            <tr key={call.callId} data-call-id={call.callId} className={`tone-${toneOf(call)}`}>
              <td data-label="#">{rank + 1}</td>
              <td data-label="Caller" className="caller">
                <a href={`/calls/${encodeURIComponent(call.callId)}`} onClick={onLinkClick}>
                  {labelText(labels.get(call.callId) ?? { name: callerName(call), tag: null })}
                </a>
              </td>
              <td data-label="Persona">{call.persona ?? call.agentName ?? "—"}</td>
              <td data-label="Duration" className="num">
                {formatDuration(call.startedAt, now)}
              </td>
              <td data-label="Sentiment" className="sentiment">
                <Sentiment call={call} />
              </td>
              <td data-label="Agent">{call.agentState ?? "—"}</td>
              <td data-label="Latency" className="num">
                {call.lastE2eMs != null ? `${Math.round(num(call.lastE2eMs))} ms` : "—"}
              </td>
              <td data-label="Last line" className="last-line">
                {call.lastLine ? `${call.lastLine.speaker}: ${call.lastLine.text}` : "—"}
              </td>
              <td data-label="Flags" className="flags">
                <Flags call={call} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
