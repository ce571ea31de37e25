import { useCallback, useEffect, useState, type FormEvent } from "react";
import { getJson, send } from "../api/client";
import { NoticeBanner, useNotice, type Notice } from "./notice";
import type { CallCursor, CreatedSubscription, DeliveryLogEntry, OutboundSubscription, ReplayResult, RotatedSecret } from "../api/types";

const stateText: Record<string, string> = {
  active: "delivering",
  paused: "paused",
  failing: "retrying",
  circuit_open: "endpoint circuit open",
  dead_letter: "dead letter",
};

/** Outbound webhook subscriptions: how each stands, its calls' cursors and delivery log, and the admin's changes. */
export function OutboundView() {
  const [subscriptions, setSubscriptions] = useState<OutboundSubscription[]>([]);
  const [form, setForm] = useState({ name: "", url: "", eventTypes: "*", callId: "" });
  const [open, setOpen] = useState<string | null>(null);
  const [calls, setCalls] = useState<CallCursor[]>([]);
  const [log, setLog] = useState<DeliveryLogEntry[]>([]);

  const banner = useNotice();
  const { notice, setNotice } = banner;
  const load = useCallback(async () => {
    try {
      const listed = await getJson<OutboundSubscription[]>("/api/v1/admin/outbound/subscriptions");
      setSubscriptions(listed);
      // The open subscription may just have been deleted (here or by another admin): its calls and log are gone too.
      if (open && listed.some((s) => s.id === open)) {
        setCalls(await getJson<CallCursor[]>(`/api/v1/admin/outbound/subscriptions/${open}/calls`));
        setLog(await getJson<DeliveryLogEntry[]>(`/api/v1/admin/outbound/subscriptions/${open}/deliveries?limit=50`));
      }
    } catch (e) {
      setNotice({ kind: "error", text: `The subscriptions could not be read: ${e instanceof Error ? e.message : "no answer"}` });
    }
  }, [open]);
  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), 5000);
    return () => window.clearInterval(timer);
  }, [load]);
  const run = (fn: () => Promise<Notice>) => banner.run(fn, load);

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const eventTypes = form.eventTypes.split(",").map((t) => t.trim()).filter(Boolean);
      const created = await send<CreatedSubscription>("POST", "/api/v1/admin/outbound/subscriptions", {
        name: form.name,
        url: form.url,
        eventTypes,
        callId: form.callId.trim() || undefined,
      });
      setForm({ name: "", url: "", eventTypes: "*", callId: "" });
      return created ? { kind: "ok", secret: true, text: `Signing secret of ${created.subscription.name} (shown once): ${created.secret}` } : null;
    });
  };
  const rotate = (s: OutboundSubscription) =>
    run(async () => {
      const rotated = await send<RotatedSecret>("POST", `/api/v1/admin/outbound/subscriptions/${s.id}/rotate`);
      return rotated
        ? { kind: "ok", secret: true, text: `New signing secret of ${s.name} (shown once; the old one also signs until ${new Date(rotated.previousValidUntil).toLocaleString()}): ${rotated.secret}` }
        : null;
    });
  const pause = (s: OutboundSubscription) =>
    run(async () => {
      await send("PATCH", `/api/v1/admin/outbound/subscriptions/${s.id}`, { paused: !s.paused });
      return { kind: "ok", text: s.paused ? `${s.name} delivers again.` : `${s.name} is paused; its cursors wait.` };
    });
  const remove = (s: OutboundSubscription) =>
    run(async () => {
      await send("DELETE", `/api/v1/admin/outbound/subscriptions/${s.id}`);
      if (open === s.id) setOpen(null);
      return { kind: "ok", text: `${s.name} is deleted with its cursors and delivery log.` };
    });
  const replay = (s: OutboundSubscription, body: object, what: string) =>
    run(async () => {
      const result = await send<ReplayResult>("POST", `/api/v1/admin/outbound/subscriptions/${s.id}/replay`, body);
      return { kind: "ok", text: `${what}: ${result?.calls ?? 0} call(s) of ${s.name} set to deliver again.` };
    });

  const selected = subscriptions.find((s) => s.id === open);
  return (
    <section className="admin" aria-labelledby="outbound-title">
      <div className="toolbar">
        <h1 id="outbound-title">Outbound webhooks</h1>
      </div>
      <NoticeBanner notice={notice} />
      <section className="panel stack-table" aria-labelledby="subscriptions-title">
        <h2 id="subscriptions-title">Subscriptions</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">State</th>
              <th scope="col">Behind</th>
              <th scope="col">Last error</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {subscriptions.map((s) => (
              <tr key={s.id} data-testid={`subscription-${s.name}`}>
                <td data-label="Name">
                  <button type="button" className="link" onClick={() => setOpen(open === s.id ? null : s.id)} aria-expanded={open === s.id}>
                    {s.name}
                  </button>
                </td>
                <td data-label="URL">
                  <code>{s.url}</code>
                </td>
                <td data-label="Events">
                  {s.eventTypes.join(", ")}
                  {s.callId ? ` (call ${s.callId})` : ""}
                </td>
                <td data-label="State" data-testid="state">
                  {stateText[s.state] ?? s.state}
                  {Number(s.deadLetteredCalls) > 0 ? ` (${s.deadLetteredCalls} call(s))` : ""}
                </td>
                <td data-label="Behind">{Number(s.eventsBehind).toLocaleString()} events</td>
                <td data-label="Last error">{s.lastError ?? "—"}</td>
                <td data-label="Action">
                  {Number(s.deadLetteredCalls) > 0 && (
                    <button type="button" className="primary" onClick={() => void replay(s, {}, "Resumed")}>
                      Resume dead letters
                    </button>
                  )}
                  <button type="button" onClick={() => void pause(s)}>
                    {s.paused ? "Resume" : "Pause"}
                  </button>
                  <button type="button" onClick={() => void rotate(s)}>
                    Rotate secret
                  </button>
                  <button type="button" className="danger" onClick={() => void remove(s)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form onSubmit={create} className="inline-form">
          <label>
            Name
            <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />
          </label>
          <label>
            URL
            <input type="url" value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} placeholder="https://crm.example.com/hooks" required />
          </label>
          <label>
            Event types
            <input value={form.eventTypes} onChange={(e) => setForm({ ...form, eventTypes: e.target.value })} placeholder="transcript.*, call.ended" />
          </label>
          <label>
            Only call
            <input value={form.callId} onChange={(e) => setForm({ ...form, callId: e.target.value })} placeholder="every call" />
          </label>
          <button type="submit" className="primary">
            Create subscription
          </button>
        </form>
      </section>
      {selected && <SubscriptionDetail subscription={selected} calls={calls} log={log} onReplay={(body, what) => void replay(selected, body, what)} />}
    </section>
  );
}

function SubscriptionDetail({ subscription, calls, log, onReplay }: { subscription: OutboundSubscription; calls: CallCursor[]; log: DeliveryLogEntry[]; onReplay: (body: object, what: string) => void }) {
  const [from, setFrom] = useState("");
  const replayFromTime = (e: FormEvent) => {
    e.preventDefault();
    if (from) onReplay({ from: new Date(from).toISOString() }, `Replayed from ${new Date(from).toLocaleString()}`);
  };
  return (
    <div className="admin-grid">
      <section className="panel stack-table" aria-labelledby="cursors-title">
        <h2 id="cursors-title">Calls of {subscription.name}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Call</th>
              <th scope="col">Delivered</th>
              <th scope="col">State</th>
              <th scope="col">Replay</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((c) => (
              <tr key={c.callId}>
                <td data-label="Call">{c.callId}</td>
                <td data-label="Delivered">
                  {c.deliveredSeq} of {c.lastSeq}
                </td>
                <td data-label="State">{c.deadLettered ? `dead letter: ${c.lastError ?? ""}` : c.failingSince ? `retrying: ${c.lastError ?? ""}` : "ok"}</td>
                <td data-label="Replay">
                  <button type="button" onClick={() => onReplay({ callId: c.callId, fromSeq: 1 }, `Replayed ${c.callId} from seq 1`)}>
                    From the start
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form onSubmit={replayFromTime} className="inline-form">
          <label>
            Replay every call from
            <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
          </label>
          <button type="submit">Replay</button>
        </form>
      </section>
      <section className="panel stack-table" aria-labelledby="log-title">
        <h2 id="log-title">Delivery log</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Call · seq</th>
              <th scope="col">Delivery id</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {log.map((a) => (
              <tr key={a.row}>
                <td data-label="Time">{new Date(a.at).toLocaleTimeString()}</td>
                <td data-label="Call · seq">
                  {a.callId} · {a.seq} ({a.eventType}, attempt {a.attempt})
                </td>
                <td data-label="Delivery id">
                  <code>{a.deliveryId}</code>
                </td>
                <td data-label="Outcome">
                  {a.error ?? `${a.status ?? ""} ok`} in {Number(a.durationMs).toFixed(0)} ms
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
