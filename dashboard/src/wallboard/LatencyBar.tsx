import { num, type FleetLatency } from "../api/types";
import { fleetAlerts, stageFigure, stageName } from "./latencyText";

/**
 * The fleet's latency against the budget, in the wallboard's header: each stage's p95 of the last
 * 5 minutes over its budget, marked "over" in words, and a notice while a stage's alert stands.
 */
export function LatencyBar({ latency }: { latency: FleetLatency | null }) {
  if (!latency) return null;
  const alerts = fleetAlerts(latency);
  return (
    <>
      <span className="count" aria-hidden="true">
        p95, last {Math.round(num(latency.windowSeconds) / 60)} min
      </span>
      <ul className="latency-bar" aria-label="Latency p95 of the last 5 minutes against the budget" data-testid="fleet-latency">
        {latency.stages.map((s) => (
          <li key={s.stage} className={s.over ? "over" : undefined} title={`${stageName(s.stage)}: p95 of ${s.turns} turns / budget`}>
            {stageFigure(s)}
            {s.over && <strong> over</strong>}
          </li>
        ))}
      </ul>
      {alerts.length > 0 && (
        <div className="latency-alert" role="alert" data-testid="latency-alert">
          {alerts.map((a) => (
            <p key={a}>{a}</p>
          ))}
        </div>
      )}
    </>
  );
}
