import { useCallback, useEffect, useState } from "react";
import { getJson, send } from "../api/client";
import { num, type KbEntry } from "../api/types";

type Status = "pending" | "approved" | "rejected";

function EntryCard({ entry, others, onChanged }: { entry: KbEntry; others: KbEntry[]; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [question, setQuestion] = useState(entry.question);
  const [answer, setAnswer] = useState(entry.answer);
  const [topic, setTopic] = useState(entry.topic ?? "");
  const [mergeInto, setMergeInto] = useState("");
  const [error, setError] = useState<string | null>(null);
  const base = `/api/v1/kb/${encodeURIComponent(String(entry.id))}`;

  const run = async (method: "POST" | "PUT", path: string, body?: unknown) => {
    setError(null);
    try {
      await send(method, path, body);
      setEditing(false);
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : "failed");
    }
  };

  const id = `kb-${entry.id}`;
  return (
    <li className="panel kb-entry" aria-labelledby={`${id}-q`}>
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run("PUT", base, { question, answer, topic: topic || null });
          }}
        >
          <label>
            Question
            <input value={question} onChange={(e) => setQuestion(e.target.value)} required />
          </label>
          <label>
            Answer
            <textarea rows={3} value={answer} onChange={(e) => setAnswer(e.target.value)} required />
          </label>
          <label>
            Topic
            <input value={topic} onChange={(e) => setTopic(e.target.value)} />
          </label>
          <button type="submit" className="primary">
            Save
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <h2 id={`${id}-q`}>{entry.question}</h2>
          <p>{entry.answer}</p>
          <p className="hint">
            {entry.topic && <span className="pill info">{entry.topic}</span>} {entry.status}
            {num(entry.occurrences) > 1 ? ` · asked ${num(entry.occurrences)} times` : ""}
            {entry.duplicateOf ? ` · looks like #${entry.duplicateOf}` : ""}
            {entry.sourceCallId && ` · from call ${entry.sourceCallId}`}
          </p>
          <div className="buttons">
            {entry.status !== "approved" && (
              <button type="button" className="primary" onClick={() => void run("POST", `${base}/approve`)}>
                Approve
              </button>
            )}
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
            {entry.status !== "rejected" && (
              <button type="button" className="danger" onClick={() => void run("POST", `${base}/reject`)}>
                Reject
              </button>
            )}
            <label>
              Merge into
              <select value={mergeInto} onChange={(e) => setMergeInto(e.target.value)}>
                <option value="">choose…</option>
                {others.map((o) => (
                  <option key={String(o.id)} value={String(o.id)}>
                    #{o.id} {o.question.slice(0, 60)}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={!mergeInto} onClick={() => void run("POST", `${base}/merge`, { into: Number(mergeInto) })}>
              Merge
            </button>
          </div>
        </>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </li>
  );
}

export function KnowledgeReview() {
  const [status, setStatus] = useState<Status>("pending");
  const [entries, setEntries] = useState<KbEntry[]>([]);
  const [approved, setApproved] = useState<KbEntry[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setEntries(await getJson<KbEntry[]>(`/api/v1/kb?status=${status}`));
      setApproved(await getJson<KbEntry[]>("/api/v1/kb?status=approved"));
      setProblem(null);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : "The knowledge base could not be read.");
    }
  }, [status]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="knowledge" aria-labelledby="kb-title">
      <div className="toolbar">
        <h1 id="kb-title">Knowledge base</h1>
        <div role="group" aria-label="Status" className="segmented">
          {(["pending", "approved", "rejected"] as const).map((s) => (
            <button key={s} type="button" aria-pressed={status === s} onClick={() => setStatus(s)}>
              {s}
            </button>
          ))}
        </div>
      </div>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {entries.length === 0 && !problem && <p className="empty">No {status} entries.</p>}
      <ol className="kb-list">
        {entries.map((e) => (
          <EntryCard key={String(e.id)} entry={e} others={approved.filter((a) => a.id !== e.id)} onChanged={() => void load()} />
        ))}
      </ol>
    </section>
  );
}
