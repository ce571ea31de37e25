import { useEffect, useRef } from "react";
import type { InterimLine } from "../live/callLog";
import { formatTime } from "../shell/time";
import type { TimelineItem } from "./callModel";

function Item({ item }: { item: TimelineItem }) {
  // An event the log accepted after the call's end: shown after the end, and said to be late.
  const late = item.late ? "true" : undefined;
  const lateTag = item.late ? <span className="late-tag">after the call ended</span> : null;
  switch (item.kind) {
    case "line":
      return (
        <li className={`line speaker-${item.speaker}`} data-seq={item.seq} data-late={late} data-kind="line">
          <span className="who">{item.speaker}</span>
          <span className="text">{item.text}</span>
          {item.sentiment && (
            <span className={`tone tone-${item.sentiment.label}`} title={`Sentiment of this line: ${item.sentiment.label}, ${item.sentiment.score.toFixed(2)} (−1 to 1)`}>
              {item.sentiment.label} {item.sentiment.score.toFixed(2)}
            </span>
          )}
          {lateTag}
          <time dateTime={item.at}>{formatTime(item.at)}</time>
        </li>
      );
    case "tool":
      return (
        <li className={`event tool${item.ok === false ? " failed" : ""}`} data-seq={item.seq} data-late={late} data-kind="tool">
          <span className="who">tool</span>
          <span className="text">
            {item.phase === "called" ? `→ ${item.name}` : `← ${item.name} ${item.ok ? "ok" : "failed"}`}
            {item.durationMs !== undefined && ` (${Math.round(item.durationMs)} ms)`}
            {item.detail && <code>{item.detail.length > 160 ? item.detail.slice(0, 160) + "…" : item.detail}</code>}
          </span>
          {lateTag}
          <time dateTime={item.at}>{formatTime(item.at)}</time>
        </li>
      );
    case "handoff":
      return (
        <li className="event handoff" data-seq={item.seq} data-late={late} data-kind="handoff">
          <span className="who">handoff</span>
          <span className="text">
            {item.from} → {item.to}
            {item.reason && ` — ${item.reason}`}
          </span>
          {lateTag}
          <time dateTime={item.at}>{formatTime(item.at)}</time>
        </li>
      );
    case "guidance":
      return (
        <li className="event guidance" data-seq={item.seq} data-late={late} data-kind="guidance" data-applied={item.applied}>
          <span className="who">guide</span>
          <span className="text">
            {item.by}: {item.text}
          </span>
          <span className={`pill ${item.applied ? "good" : "muted"}`}>{item.applied ? "applied" : "sent"}</span>
          {lateTag}
          <time dateTime={item.at}>{formatTime(item.at)}</time>
        </li>
      );
    case "note":
      return (
        <li className={`event note ${item.tone ?? ""}${item.marker === "ended" ? " ended-marker" : ""}`} data-seq={item.seq} data-late={late} data-kind="note">
          <span className="who">·</span>
          <span className="text">{item.text}</span>
          {lateTag}
          <time dateTime={item.at}>{formatTime(item.at)}</time>
        </li>
      );
  }
}

/** The whole conversation, with interim text forming at the bottom; follows the tail unless scrolled up. */
export function Transcript({ items, interim }: { items: readonly TimelineItem[]; interim: readonly InterimLine[] }) {
  const ref = useRef<HTMLOListElement>(null);
  const follow = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [items.length, interim]);
  return (
    <ol
      className="transcript"
      ref={ref}
      aria-label="Transcript"
      aria-live="off"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {items.map((item) => (
        <Item key={`${item.kind}-${item.seq}`} item={item} />
      ))}
      {interim.map((line) => (
        <li key={`interim-${line.speaker}`} className={`line interim speaker-${line.speaker}`} data-kind="interim">
          <span className="who">{line.speaker}</span>
          <span className="text">{line.text}…</span>
        </li>
      ))}
    </ol>
  );
}
