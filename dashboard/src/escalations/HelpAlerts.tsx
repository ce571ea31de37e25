import { useEffect, useRef } from "react";
import { useHelpQueue } from "../live/hooks";
import { chime, notify } from "./alert";

/**
 * Wherever a supervisor is in the app: a chime and a browser notification when a help request
 * routed to them arrives. Returns how many are waiting.
 */
export function useHelpAlerts(enabled: boolean): number {
  const queue = useHelpQueue(enabled, false);
  const alerted = useRef(0);

  useEffect(() => {
    const fresh = queue.arrivals.slice(alerted.current);
    alerted.current = queue.arrivals.length;
    if (fresh.length === 0) return;
    const newest = queue.requests.find((r) => r.view.request.id === fresh[fresh.length - 1]);
    chime();
    notify("An agent needs help", newest?.view.request.question ?? "A caller is holding.");
  }, [queue.arrivals, queue.requests]);

  return queue.requests.filter((r) => !r.view.request.claimedBy).length;
}
