import { useEffect, useMemo, useRef } from "react";
import { useWallboard } from "../live/hooks";
import { chime, notify } from "./alert";

/** Wherever the supervisor is in the app: a chime and a notification when an agent asks for help. */
export function useHelpAlerts(): number {
  const board = useWallboard();
  const known = useRef<Set<string> | null>(null);
  const open = useMemo(() => board.calls.filter((c) => c.openEscalation && !c.openEscalation.claimedBy), [board.calls]);

  useEffect(() => {
    if (board.status !== "live") return;
    const ids = new Set(open.map((c) => c.openEscalation?.requestId ?? ""));
    const before = known.current;
    known.current = ids;
    // The first snapshot is what was already waiting: no alarm for it.
    if (!before) return;
    const fresh = open.filter((c) => !before.has(c.openEscalation?.requestId ?? ""));
    if (fresh.length > 0) {
      chime();
      notify("An agent needs help", fresh[0]?.openEscalation?.question ?? "");
    }
  }, [board.status, open]);

  return open.length;
}
