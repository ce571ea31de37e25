import { useMemo, useState, type FormEvent } from "react";
import { requestId, send } from "../api/client";
import type { LiveEvent } from "../live/callLog";
import { formatTime } from "../shell/time";

export interface Disposition {
  disposition: string | null;
  tags: string[];
  notes: { by: string; at: string; text: string }[];
}

/** The call's disposition, tags and notes as its log has them: the latest disposition and tag list, every note. */
export function foldDisposition(events: readonly LiveEvent[]): Disposition {
  const result: Disposition = { disposition: null, tags: [], notes: [] };
  for (const e of events) {
    if (e.type !== "call.disposition" || !e.data || typeof e.data !== "object") continue;
    const d = e.data as Record<string, unknown>;
    if (typeof d["disposition"] === "string") result.disposition = d["disposition"];
    if (Array.isArray(d["tags"])) result.tags = d["tags"].filter((t): t is string => typeof t === "string");
    if (typeof d["note"] === "string") result.notes.push({ by: typeof d["by"] === "string" ? d["by"] : "", at: e.at, text: d["note"] });
  }
  return result;
}

/**
 * Disposition, tags and notes of a call, during it (the call room) or after it (the replay): what
 * the log holds, and for supervisors a form that sets them (audited, in the log as call.disposition).
 */
export function DispositionPanel({ callId, events, canAct, live }: { callId: string; events: readonly LiveEvent[]; canAct: boolean; live: boolean }) {
  // A live view's stream brings each saved change back; a replay's log was read once, so what is saved is added to it here.
  const [saved, setSaved] = useState<LiveEvent[]>([]);
  const current = useMemo(() => foldDisposition(live ? events : [...events, ...saved]), [events, saved, live]);
  const [disposition, setDisposition] = useState("");
  const [tags, setTags] = useState("");
  const [note, setNote] = useState("");
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = { requestId: requestId() };
    if (disposition.trim()) body["disposition"] = disposition.trim();
    if (tags.trim()) body["tags"] = [...new Set([...current.tags, ...tags.split(",").map((t) => t.trim()).filter(Boolean)])];
    if (note.trim()) body["note"] = note.trim();
    if (Object.keys(body).length === 1) {
      setMessage({ text: "Give a disposition, a tag or a note.", error: true });
      return;
    }
    setBusy(true);
    try {
      await send("POST", `/api/v1/calls/${encodeURIComponent(callId)}/disposition`, body);
      const at = new Date().toISOString();
      setSaved((list) => [...list, { callId, seq: 0, id: String(body["requestId"]), type: "call.disposition", at, receivedAt: at, data: { ...body, by: "you" } }]);
      setDisposition("");
      setTags("");
      setNote("");
      setMessage({ text: "Saved.", error: false });
    } catch (err) {
      setMessage({ text: err instanceof Error ? err.message : "Not saved.", error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel disposition" aria-labelledby={`disposition-${callId}`}>
      <h2 id={`disposition-${callId}`}>Disposition</h2>
      <p data-field="disposition">{current.disposition ?? <span className="hint">No disposition yet.</span>}</p>
      {current.tags.length > 0 && (
        <p className="tags" data-field="tags">
          {current.tags.map((t) => (
            <span key={t} className="pill info">
              {t}
            </span>
          ))}
        </p>
      )}
      {current.notes.length > 0 && (
        <ul className="notes">
          {current.notes.map((n, i) => (
            <li key={i}>
              <span className="hint">
                {n.by} · {formatTime(n.at)}
              </span>{" "}
              {n.text}
            </li>
          ))}
        </ul>
      )}
      {canAct && (
        <form className="disposition-form" onSubmit={(e) => void submit(e)} aria-label="Set the disposition">
          <label>
            Disposition
            <input value={disposition} onChange={(e) => setDisposition(e.target.value)} placeholder="resolved, callback…" maxLength={64} />
          </label>
          <label>
            Add tags
            <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="billing, vip" />
          </label>
          <label>
            Note
            <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
          {message && (
            <p role={message.error ? "alert" : "status"} className={message.error ? "error" : "hint"}>
              {message.text}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
