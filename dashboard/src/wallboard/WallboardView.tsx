import { useMemo, useState } from "react";
import { useWallboard } from "../live/hooks";
import { StatusPill } from "../shell/StatusPill";
import { useNow } from "../shell/time";
import { orderByAttention } from "./attention";
import { BubbleView } from "./BubbleView";
import { CardView } from "./CardView";
import { LatencyBar } from "./LatencyBar";
import { Legend } from "./Legend";

type Mode = "bubbles" | "cards";

export function WallboardView() {
  const board = useWallboard();
  const now = useNow(1000);
  const [mode, setMode] = useState<Mode>(() => (new URLSearchParams(location.search).get("view") === "cards" ? "cards" : "bubbles"));
  // Re-rank on every change and each second (hold times grow), not on every render.
  const ordered = useMemo(() => orderByAttention(board.calls, now), [board.calls, now]);
  const waiting = board.calls.filter((c) => c.openEscalation && !c.openEscalation.claimedBy).length;

  const choose = (next: Mode) => {
    setMode(next);
    history.replaceState(null, "", next === "cards" ? "/?view=cards" : "/");
  };

  return (
    <section className="wallboard" aria-labelledby="wb-title">
      <div className="toolbar">
        <h1 id="wb-title">Wallboard</h1>
        <span className="count" data-testid="active-count">
          {board.calls.length} active
        </span>
        {waiting > 0 && <span className="pill warn">{waiting} waiting for help</span>}
        <div role="group" aria-label="View" className="segmented">
          <button type="button" aria-pressed={mode === "bubbles"} onClick={() => choose("bubbles")}>
            Bubbles
          </button>
          <button type="button" aria-pressed={mode === "cards"} onClick={() => choose("cards")}>
            Cards
          </button>
        </div>
        <StatusPill status={board.status} label="Wallboard stream" />
        <LatencyBar latency={board.latency} />
      </div>
      {board.calls.length === 0 && board.status === "live" && <p className="empty">No active calls.</p>}
      {mode === "bubbles" && <Legend />}
      {mode === "bubbles" ? <BubbleView calls={ordered} now={now} /> : <CardView calls={ordered} now={now} />}
    </section>
  );
}
