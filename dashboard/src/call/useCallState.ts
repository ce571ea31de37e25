import { useEffect, useState } from "react";
import { apiGet, ApiError } from "../api/client";
import type { CallState } from "../api/types";

export type CallLookup = { kind: "loading" } | { kind: "missing" } | { kind: "failed"; message: string } | { kind: "found"; state: CallState };

/** The server's state of the call when the room opens: whether it exists at all, and whether it has ended. */
export function useCallState(callId: string): CallLookup {
  const [lookup, setLookup] = useState<CallLookup>({ kind: "loading" });
  useEffect(() => {
    const abort = new AbortController();
    apiGet("/api/v1/calls/{id}", { path: { id: callId }, signal: abort.signal })
      .then((state) => setLookup({ kind: "found", state }))
      .catch((e: unknown) => {
        if (abort.signal.aborted) return;
        if (e instanceof ApiError && e.status === 404) setLookup({ kind: "missing" });
        else setLookup({ kind: "failed", message: e instanceof Error ? e.message : "The call could not be read." });
      });
    return () => abort.abort();
  }, [callId]);
  return lookup;
}
