import { useEffect, useState, useSyncExternalStore } from "react";
import { getJson } from "../api/client";
import type { EventPage } from "../api/types";
import { CallStream, type CallStreamSnapshot } from "./callStream";
import { browserEventSource } from "./eventSource";
import { HelpQueueStream, type HelpQueueSnapshot } from "./helpQueueStream";
import { WallboardStream, type WallboardSnapshot } from "./wallboardStream";

const fetchHistory = async (callId: string, after: number, limit: number) =>
  (await getJson<EventPage>(`/api/v1/calls/${encodeURIComponent(callId)}/events?after=${after}&limit=${limit}`)).events;

export function useCallStream(callId: string): CallStreamSnapshot {
  const [stream] = useState(() => new CallStream(callId, { open: browserEventSource, history: fetchHistory }));
  useEffect(() => {
    stream.start();
    return () => stream.stop();
  }, [stream]);
  return useSyncExternalStore(stream.subscribe, stream.getSnapshot);
}

interface SharedStream<S> {
  start(): void;
  stop(): void;
  subscribe(listener: () => void): () => void;
  getSnapshot(): S;
}

// One connection per stream and page, shared by every view that needs it (the wallboard, the
// help queue, the arrival alerts): opened by the first user and closed with the last.
const shared = new Map<string, { stream: SharedStream<unknown>; users: number }>();

function useShared<S>(key: string | null, create: () => SharedStream<S>, initial: S): S {
  const [stream, setStream] = useState<SharedStream<S> | null>(null);
  useEffect(() => {
    if (key === null) return;
    let entry = shared.get(key);
    if (!entry) {
      entry = { stream: create() as SharedStream<unknown>, users: 0 };
      shared.set(key, entry);
      entry.stream.start();
    }
    entry.users++;
    setStream(entry.stream as SharedStream<S>);
    return () => {
      const e = shared.get(key);
      if (e && --e.users === 0) {
        shared.delete(key);
        e.stream.stop();
      }
      setStream(null);
    };
    // `create` is a factory for this key; a new one for the same key changes nothing.
  }, [key]);
  return useSyncExternalStore(stream ? stream.subscribe : noSubscribe, stream ? stream.getSnapshot : () => initial);
}

const noSubscribe = () => () => {};
const emptyBoard: WallboardSnapshot = { status: "connecting", calls: [], updates: 0, latency: null };
const emptyQueue: HelpQueueSnapshot = { status: "connecting", requests: [], arrivals: [], closed: [] };

export function useWallboard(): WallboardSnapshot {
  return useShared("wallboard", () => new WallboardStream(browserEventSource), emptyBoard);
}

/** The live help queue; `all` shows every request, not only those routed to this supervisor. Null: not connected. */
export function useHelpQueue(enabled: boolean, all: boolean): HelpQueueSnapshot {
  const url = `/api/v1/escalations/stream${all ? "?all=true" : ""}`;
  return useShared(enabled ? url : null, () => new HelpQueueStream(url, browserEventSource), emptyQueue);
}
