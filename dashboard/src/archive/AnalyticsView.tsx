import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from "chart.js";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { apiGet } from "../api/client";
import { num, type AnalyticsFigures, type AnalyticsSummary } from "../api/types";
import { navigate, onLinkClick, useSearch } from "../shell/router";
import { addDay, drillDown, groupBys, readRange, type Range } from "./filters";
import { dayStart, formatMoney, formatMs, formatRate, formatSeconds } from "./format";

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);
Chart.defaults.color = "#8b949e";
Chart.defaults.borderColor = "#30363d";

const stages: [string, string][] = [
  ["endOfUtterance", "End of utterance"],
  ["stt", "STT"],
  ["llmFirstToken", "LLM first token"],
  ["ttsFirstByte", "TTS first byte"],
  ["endToEnd", "End to end"],
];

/** One figure of the totals, a link to the calls it counts. */
function Tile({ label, value, href, detail }: { label: string; value: string; href: string; detail?: string }) {
  return (
    <a className="tile panel" href={href} onClick={onLinkClick} data-figure={label}>
      <span className="tile-label">{label}</span>
      <span className="tile-value">{value}</span>
      {detail && <span className="tile-detail">{detail}</span>}
    </a>
  );
}

/** A Chart.js chart that is drawn again when its configuration changes, and destroyed with the view. */
function ChartCanvas({ config, label }: { config: ChartConfiguration; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

function charts(summary: AnalyticsSummary, range: Range): { perGroup: ChartConfiguration; times: ChartConfiguration; latency: ChartConfiguration } {
  const keys = summary.groups.map((g) => g.key);
  const figures = summary.groups.map((g) => g.figures);
  const open = (index: number) => {
    const key = keys[index];
    if (key !== undefined) navigate(drillDown(range, key));
  };
  const onClick: NonNullable<ChartConfiguration["options"]>["onClick"] = (_e, elements) => {
    if (elements[0]) open(elements[0].index);
  };
  const perGroup: ChartConfiguration = {
    type: "bar",
    data: {
      labels: keys,
      datasets: [
        { type: "bar", label: "Calls", data: figures.map((f) => num(f.calls)), backgroundColor: "#1f6feb", yAxisID: "calls" },
        { type: "line", label: "Containment %", data: figures.map((f) => num(f.containmentRate) * 100), borderColor: "#3fb950", backgroundColor: "#3fb950", yAxisID: "rate" },
        { type: "line", label: "Escalation %", data: figures.map((f) => num(f.escalationRate) * 100), borderColor: "#d29922", backgroundColor: "#d29922", yAxisID: "rate" },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      onClick,
      scales: { calls: { position: "left", beginAtZero: true }, rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } },
    },
  };
  const times: ChartConfiguration = {
    type: "bar",
    data: {
      labels: keys,
      datasets: [
        { label: "Handle (s)", data: figures.map((f) => num(f.averageHandleSeconds)), backgroundColor: "#79c0ff" },
        { label: "Talk (s)", data: figures.map((f) => num(f.averageTalkSeconds)), backgroundColor: "#d2a8ff" },
        { label: "Hold (s)", data: figures.map((f) => num(f.averageHoldSeconds)), backgroundColor: "#d29922" },
      ],
    },
    options: { animation: false, maintainAspectRatio: false, onClick, scales: { y: { beginAtZero: true } } },
  };
  const latency: ChartConfiguration = {
    type: "bar",
    data: {
      labels: stages.map(([, name]) => name),
      datasets: (["p50", "p95", "p99"] as const).map((p, i) => ({
        label: p,
        data: stages.map(([stage]) => num(summary.total.latency[stage]?.[p])),
        backgroundColor: ["#3fb950", "#d29922", "#ff7b72"][i],
      })),
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, title: { display: true, text: "ms" } } } },
  };
  return { perGroup, times, latency };
}

function Totals({ total, range }: { total: AnalyticsFigures; range: Range }) {
  const all = drillDown(range, null);
  const s = total.sentiment;
  const answer = total.escalationSecondsToAnswer;
  return (
    <div className="tiles">
      <Tile label="Calls" value={String(num(total.calls))} href={all} />
      <Tile label="Average handle" value={formatSeconds(total.averageHandleSeconds)} href={all} />
      <Tile label="Average talk" value={formatSeconds(total.averageTalkSeconds)} href={all} />
      <Tile label="Average hold" value={formatSeconds(total.averageHoldSeconds)} href={all} />
      <Tile label="Completion" value={formatRate(total.completionRate)} href={drillDown(range, null, { completed: "true" })} />
      <Tile label="Containment" value={formatRate(total.containmentRate)} href={drillDown(range, null, { contained: "true" })} />
      <Tile label="Transfers" value={formatRate(total.transferRate)} href={drillDown(range, null, { transferred: "true" })} />
      <Tile
        label="Escalations"
        value={formatRate(total.escalationRate)}
        href={drillDown(range, null, { escalated: "true" })}
        detail={answer.p50 === null || answer.p50 === undefined ? "none answered" : `answered p50 ${formatSeconds(answer.p50)}, p90 ${formatSeconds(answer.p90)}`}
      />
      <Tile label="Interventions" value={formatRate(total.interventionRate)} href={drillDown(range, null, { intervened: "true" })} />
      <Tile
        label="Negative sentiment"
        value={String(num(s.negative))}
        href={drillDown(range, null, { sentimentBelow: "-0.05" })}
        detail={`${num(s.neutral)} neutral, ${num(s.positive)} positive, ${num(s.unscored)} unscored`}
      />
      <Tile label="Tool errors" value={formatRate(total.errorRate["tool"])} href={drillDown(range, null, { toolErrors: "true" })} detail={`agent errors ${formatRate(total.errorRate["agent"])}`} />
      <Tile label="Cost per call" value={formatMoney(total.costPerCall)} href={all} detail={`total ${formatMoney(total.cost)}`} />
    </div>
  );
}

/**
 * The operations view: contact-centre figures of ended calls over a range, per hour, day, agent or
 * persona, drawn with Chart.js; every figure and every bar opens the past calls behind it.
 */
export function AnalyticsView() {
  const search = useSearch();
  const range = readRange(search);
  const [draft, setDraft] = useState(range);
  const [summary, setSummary] = useState<AnalyticsSummary | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const key = `${range.from}|${range.to}|${range.groupBy}`;

  useEffect(() => {
    const r = readRange(search);
    setDraft(r);
    const abort = new AbortController();
    setSummary(null);
    apiGet("/api/v1/analytics/summary", { query: { from: dayStart(r.from), to: addDay(r.to), groupBy: r.groupBy }, signal: abort.signal }).then(
      (s) => {
        setSummary(s);
        setProblem(null);
      },
      (e: unknown) => {
        if (!abort.signal.aborted) setProblem(`The figures could not be read: ${e instanceof Error ? e.message : "no answer"}`);
      },
    );
    return () => abort.abort();
  }, [search]);

  const [configs, setConfigs] = useState<ReturnType<typeof charts> | null>(null);
  useEffect(() => setConfigs(summary ? charts(summary, readRange(search)) : null), [summary, search]);
  const go = (r: Range) => navigate(`/analytics?${new URLSearchParams({ from: r.from, to: r.to, groupBy: r.groupBy }).toString()}`);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go(draft);
  };

  return (
    <section className="analytics" aria-labelledby="analytics-title" data-loaded={summary ? key : undefined}>
      <div className="toolbar">
        <h1 id="analytics-title">Analytics</h1>
        <form className="inline-form range" onSubmit={submit} aria-label="Range">
          <label>
            From
            <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} required />
          </label>
          <label>
            To
            <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} required />
          </label>
          <button type="submit" className="primary">
            Show
          </button>
        </form>
        <span className="segmented" role="group" aria-label="Group by">
          {groupBys.map((g) => (
            <button key={g} type="button" aria-pressed={range.groupBy === g} onClick={() => go({ ...range, groupBy: g })}>
              {g}
            </button>
          ))}
        </span>
      </div>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {summary === null && !problem && <p className="loading">Loading…</p>}
      {summary && num(summary.total.calls) === 0 && <p className="empty">No calls ended in this range.</p>}
      {summary && num(summary.total.calls) > 0 && (
        <>
          <Totals total={summary.total} range={range} />
          {configs && (
            <div className="charts">
              <div className="panel">
                <h2>Calls per {range.groupBy}</h2>
                <ChartCanvas config={configs.perGroup} label={`Calls, containment and escalation rate per ${range.groupBy}`} />
              </div>
              <div className="panel">
                <h2>Average handle, talk and hold per {range.groupBy}</h2>
                <ChartCanvas config={configs.times} label={`Average handle, talk and hold time per ${range.groupBy}`} />
              </div>
              <div className="panel">
                <h2>Turn latency by stage</h2>
                <ChartCanvas config={configs.latency} label="Latency p50, p95 and p99 by stage" />
              </div>
            </div>
          )}
          <div className="table-scroll stack-table panel">
            <table className="groups">
              <thead>
                <tr>
                  <th scope="col">{range.groupBy}</th>
                  <th scope="col">Calls</th>
                  <th scope="col">Handle</th>
                  <th scope="col">Hold</th>
                  <th scope="col">Completion</th>
                  <th scope="col">Containment</th>
                  <th scope="col">Transfers</th>
                  <th scope="col">Escalations</th>
                  <th scope="col">E2E p95</th>
                  <th scope="col">Cost / call</th>
                </tr>
              </thead>
              <tbody>
                {summary.groups.map((g) => (
                  <tr key={g.key} data-group={g.key}>
                    <th scope="row">
                      <a href={drillDown(range, g.key)} onClick={onLinkClick}>
                        {g.key || "(none)"}
                      </a>
                    </th>
                    <td className="num">{num(g.figures.calls)}</td>
                    <td className="num">{formatSeconds(g.figures.averageHandleSeconds)}</td>
                    <td className="num">{formatSeconds(g.figures.averageHoldSeconds)}</td>
                    <td className="num">{formatRate(g.figures.completionRate)}</td>
                    <td className="num">{formatRate(g.figures.containmentRate)}</td>
                    <td className="num">{formatRate(g.figures.transferRate)}</td>
                    <td className="num">{formatRate(g.figures.escalationRate)}</td>
                    <td className="num">{formatMs(g.figures.latency["endToEnd"]?.p95)}</td>
                    <td className="num">{formatMoney(g.figures.costPerCall)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
