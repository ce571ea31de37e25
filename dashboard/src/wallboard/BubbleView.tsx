import { useLayoutEffect, useRef, useState } from "react";
import type { WallboardCall } from "../api/types";
import { onLinkClick } from "../shell/router";
import { formatDuration } from "../shell/time";
import { toneOf } from "./attention";
import { callerLabels, callerName, flagsOf, labelText } from "./callText";
import { hexCells, ringsFor, toPixel } from "./hex";
import { budgetBadge } from "./latencyText";

function useSize<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ width: 800, height: 600 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, size] as const;
}

/** Ordered calls on a hexagonal grid; the first call sits at the centre. */
export function BubbleView({ calls, now }: { calls: readonly WallboardCall[]; now: number }) {
  const [ref, size] = useSize<HTMLDivElement>();
  const rings = ringsFor(calls.length);
  // Fit the rings into the area: 2·rings+1 hexagons across, and as many rows.
  const radius = Math.max(
    14,
    Math.min(110, size.width / (Math.sqrt(3) * (2 * rings + 1)) - 2, size.height / (3 * rings + 2) - 2),
  );
  const cells = hexCells(calls.length);
  const labels = callerLabels(calls);
  const detailed = radius >= 44;
  // Neighbouring centres are √3·radius apart; a slightly smaller circle leaves a gap between bubbles.
  const diameter = 1.6;

  return (
    <div className="bubbles" ref={ref} role="list" aria-label="Active calls, most in need of attention at the centre">
      {calls.map((call, i) => {
        const cell = cells[i];
        if (!cell) return null;
        const { x, y } = toPixel(cell, radius);
        const tone = toneOf(call);
        const speaking = call.agentState === "speaking";
        const flags = flagsOf(call);
        const slow = budgetBadge(call);
        const label = labels.get(call.callId) ?? { name: callerName(call), tag: null };
        const name = labelText(label);
        return (
          <a
            key={call.callId}
            role="listitem"
            href={`/calls/${encodeURIComponent(call.callId)}`}
            onClick={onLinkClick}
            className={`bubble tone-${tone}${speaking ? " speaking" : ""}${call.openEscalation ? " escalated" : ""}`}
            data-call-id={call.callId}
            data-rank={i}
            style={{
              width: radius * diameter,
              height: radius * diameter,
              transform: `translate(${size.width / 2 + x - (radius * diameter) / 2}px, ${size.height / 2 + y - (radius * diameter) / 2}px)`,
              fontSize: Math.max(10, radius / 5.2),
            }}
            aria-label={`${name}, ${call.persona ?? call.agentName ?? "agent"}, ${call.agentState ?? "unknown state"}, sentiment ${tone}, ${formatDuration(call.startedAt, now)}${flags.length ? ", " + flags.join(", ") : ""}`}
            title={call.lastLine ? `${call.lastLine.speaker}: ${call.lastLine.text}` : name}
          >
            {call.openEscalation && (
              <span className="badge" aria-hidden="true">
                ?
              </span>
            )}
            <span className="bubble-name">
              <span className="bubble-caller">{label.name}</span>
              {label.tag && <span className="bubble-tag">{label.tag}</span>}
            </span>
            {detailed && <span className="bubble-persona">{call.persona ?? call.agentName}</span>}
            <span className={`bubble-state state-${call.agentState ?? "unknown"}`}>{call.agentState ?? "…"}</span>
            {detailed && <span className="bubble-time">{formatDuration(call.startedAt, now)}</span>}
            {slow && (
              <span className="bubble-slow" aria-hidden="true">
                {detailed ? slow : "slow"}
              </span>
            )}
          </a>
        );
      })}
    </div>
  );
}
