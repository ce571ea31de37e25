import { useEffect, useRef, useState, type FormEvent } from "react";
import { getJson, requestId, send } from "../api/client";
import type { InterventionResult, TransferDestinationView, TransferDestinationList } from "../api/types";
import { ConfirmDialog } from "../shell/ConfirmDialog";
import { startListening, type AudioSession } from "./listenAudio";
import { describeFailure, describeSuccess, type Action } from "./outcomes";

type Pending = { action: "takeover" | "end" | "transfer"; title: string; confirm: string; body: string } | null;

const shortcuts: Record<string, string> = { l: "listen", g: "guide", t: "takeover", h: "handback", x: "transfer", e: "end" };

/**
 * Interventions: listen, guide, take over / hand back, transfer, end — each with a key. Who holds
 * the call decides what is offered: its holder may speak and hand back; while another supervisor
 * holds it, nobody else may take over, hand back or end it (the server refuses those too).
 */
export function ControlBar({ callId, holder, me, ended }: { callId: string; holder: string | null; me: string | null; ended: boolean }) {
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [guide, setGuide] = useState("");
  const [say, setSay] = useState("");
  const [destination, setDestination] = useState("");
  const [transferMode, setTransferMode] = useState<"cold" | "warm">("cold");
  const [pending, setPending] = useState<Pending>(null);
  const [listening, setListening] = useState<"audio" | "transcript" | null>(null);
  const guideRef = useRef<HTMLTextAreaElement>(null);
  const destinationRef = useRef<HTMLInputElement>(null);
  const audio = useRef<AudioSession | null>(null);
  const mine = holder !== null && holder === me;
  const others = holder !== null && !mine;

  async function act(action: Action, body: Record<string, unknown> = {}): Promise<InterventionResult | null> {
    setMessage(null);
    try {
      const result = await send<InterventionResult>("POST", `/api/v1/calls/${encodeURIComponent(callId)}/${action}`, { requestId: requestId(), ...body });
      const said = describeSuccess(action, result, typeof body["destination"] === "string" ? body["destination"] : undefined);
      setMessage({ text: said.text, error: said.warning });
      return result;
    } catch (e) {
      setMessage({ text: describeFailure(action, e instanceof Error ? e.message : "no answer from the server"), error: true });
      return null;
    }
  }

  async function listen() {
    if (listening) {
      await audio.current?.stop();
      audio.current = null;
      setListening(null);
      await act("leave");
      return;
    }
    const result = await act("listen");
    if (!result) return;
    if (result.liveKit) {
      try {
        audio.current = await startListening(result.liveKit.url, result.liveKit.token);
        setListening("audio");
      } catch (e) {
        setMessage({ text: `You are listening to the transcript only: the audio could not start (${e instanceof Error ? e.message : String(e)}).`, error: true });
        setListening("transcript");
      }
    } else {
      setListening("transcript");
    }
  }

  useEffect(
    () => () => {
      void audio.current?.stop();
    },
    [],
  );

  // The picker offers what the server is configured with (Supervision:TransferDestinations).
  const [destinations, setDestinations] = useState<TransferDestinationView[] | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    getJson<TransferDestinationList>("/api/v1/transfer-destinations", abort.signal)
      .then((list) => setDestinations(list.destinations))
      .catch(() => {
        if (!abort.signal.aborted) setDestinations([]);
      });
    return () => abort.abort();
  }, []);
  const chosen = destinations?.find((d) => d.name.toLowerCase() === destination.trim().toLowerCase());

  const run = (name: string) => {
    if (ended) return;
    switch (name) {
      case "listen":
        void listen();
        break;
      case "guide":
        guideRef.current?.focus();
        break;
      case "takeover":
        if (!holder) setPending({ action: "takeover", title: "Take over this call?", confirm: "Take over", body: "The agent pauses and you speak to the caller until you hand back." });
        break;
      case "handback":
        if (mine) void act("handback");
        break;
      case "transfer":
        destinationRef.current?.focus();
        break;
      case "end":
        if (!others) setPending({ action: "end", title: "End this call?", confirm: "End call", body: "The caller is disconnected. This cannot be undone." });
        break;
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || pending) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable)) return;
      const name = shortcuts[e.key.toLowerCase()];
      if (name) {
        e.preventDefault();
        run(name);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const submitGuide = async (e: FormEvent) => {
    e.preventDefault();
    if (!guide.trim()) return;
    if (await act("guide", { text: guide.trim() })) setGuide("");
  };
  const submitSay = async (e: FormEvent) => {
    e.preventDefault();
    if (!say.trim()) return;
    if (await act("say", { text: say.trim() })) setSay("");
  };
  const submitTransfer = (e: FormEvent) => {
    e.preventDefault();
    if (!destination.trim()) return;
    setPending({ action: "transfer", title: `Transfer to ${destination.trim()}?`, confirm: "Transfer", body: `A ${transferMode} transfer: the AI agent leaves the call.` });
  };

  return (
    <section className="panel controls" aria-labelledby="controls-title" data-holder={holder ?? ""}>
      <h2 id="controls-title">Controls</h2>
      <div className="buttons" role="toolbar" aria-label="Interventions">
        <button type="button" onClick={() => run("listen")} aria-keyshortcuts="L" disabled={ended} aria-pressed={listening !== null}>
          {listening ? "Stop listening" : "Listen"} <kbd>L</kbd>
        </button>
        {holder ? (
          <button type="button" className="primary" onClick={() => run("handback")} aria-keyshortcuts="H" disabled={ended || !mine} aria-describedby={others ? "holder-hint" : undefined}>
            Hand back <kbd>H</kbd>
          </button>
        ) : (
          <button type="button" className="warn" onClick={() => run("takeover")} aria-keyshortcuts="T" disabled={ended}>
            Take over <kbd>T</kbd>
          </button>
        )}
        <button type="button" className="danger" onClick={() => run("end")} aria-keyshortcuts="E" disabled={ended || others} aria-describedby={others ? "holder-hint" : undefined}>
          End call <kbd>E</kbd>
        </button>
      </div>
      {ended && <p className="hint">The call has ended: there is nothing left to do in it.</p>}
      {others && !ended && (
        <p className="hint" id="holder-hint">
          {holder} holds the call: only they can hand it back, and nobody can end it until they do.
        </p>
      )}
      {listening && <p className="hint">Listening ({listening === "audio" ? "audio" : "transcript only: LiveKit is not configured"}).</p>}
      <form onSubmit={submitGuide} className="guide">
        <label htmlFor="guide-text">
          Guide the agent <kbd>G</kbd>
        </label>
        <textarea id="guide-text" ref={guideRef} rows={2} value={guide} onChange={(e) => setGuide(e.target.value)} placeholder="e.g. Offer the customer a 10% discount" disabled={ended} />
        <button type="submit" disabled={ended || !guide.trim()}>
          Send guidance
        </button>
      </form>
      {mine && (
        <form onSubmit={submitSay} className="guide">
          <label htmlFor="say-text">Say to the caller (you hold the call)</label>
          <textarea id="say-text" rows={2} value={say} onChange={(e) => setSay(e.target.value)} disabled={ended} />
          <button type="submit" disabled={ended || !say.trim()}>
            Say
          </button>
        </form>
      )}
      <form onSubmit={submitTransfer} className="transfer">
        <label htmlFor="transfer-dest">
          Transfer to <kbd>X</kbd>
        </label>
        <input id="transfer-dest" ref={destinationRef} list="transfer-destinations" value={destination} onChange={(e) => setDestination(e.target.value)} disabled={ended} />
        <datalist id="transfer-destinations">
          {(destinations ?? []).map((d) => (
            <option key={d.name} value={d.name}>
              {d.description ?? d.name}
            </option>
          ))}
        </datalist>
        <label htmlFor="transfer-mode" className="sr-only">
          Transfer mode
        </label>
        <select id="transfer-mode" value={transferMode} onChange={(e) => setTransferMode(e.target.value as "cold" | "warm")} disabled={ended}>
          <option value="cold">cold</option>
          <option value="warm" disabled={chosen !== undefined && !chosen.warm}>
            warm
          </option>
        </select>
        <button type="submit" disabled={ended || !destination.trim()}>
          Transfer…
        </button>
        {destinations !== null && destinations.length === 0 && <span className="hint">No transfer destinations are configured on the server.</span>}
      </form>
      <p role="status" aria-live="polite" aria-label="Outcome" className={message?.error ? "error" : "hint"}>
        {message?.text ?? ""}
      </p>
      {pending && (
        <ConfirmDialog
          title={pending.title}
          confirmLabel={pending.confirm}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const p = pending;
            setPending(null);
            if (p.action === "transfer") void act("transfer", { destination: destination.trim(), mode: transferMode });
            else void act(p.action);
          }}
        >
          <p>{pending.body}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
