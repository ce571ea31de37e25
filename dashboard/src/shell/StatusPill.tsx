import type { StreamStatus } from "../live/eventSource";

const labels: Record<StreamStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  closed: "Disconnected",
};

export function StatusPill({ status, label }: { status: StreamStatus; label: string }) {
  return (
    <span className={`pill status-${status}`} role="status" aria-live="polite" data-status={status} aria-label={`${label}: ${labels[status]}`}>
      <span className="dot" aria-hidden="true" />
      {labels[status]}
    </span>
  );
}
