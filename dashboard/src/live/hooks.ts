import { useEffect, useState, useSyncExternalStore } from "react";
import { getJson } from "../api/client";
import type { EventPage } from "../api/types";
import { CallStream, type CallStreamSnapshot } from "./callStream";
import { browserEventSource } from "./eventSource";
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

// One wallboard connection per page, shared by every view that needs it (the wallboard, the help
// queue, the arrival alerts), opened by the first user and closed with the last.
let shared: { stream: WallboardStream; users: number } | null = null;

function acquireWallboard(): WallboardStream {
  if (!shared) {
    shared = { stream: new WallboardStream(browserEventSource), users: 0 };
    shared.stream.start();
  }
  shared.users++;
  return shared.stream;
}

function releaseWallboard(): void {
  if (shared && --shared.users === 0) {
    const { stream } = shared;
    shared = null;
    stream.stop();
  }
}

export function useWallboard(): WallboardSnapshot {
  const [stream, setStream] = useState<WallboardStream | null>(null);
  useEffect(() => {
    const s = acquireWallboard();
    setStream(s);
    return releaseWallboard;
  }, []);
  return useSyncExternalStore(stream?.subscribe ?? noSubscribe, stream?.getSnapshot ?? initial);
}

const initialSnapshot: WallboardSnapshot = { status: "connecting", calls: [], updates: 0 };
const initial = () => initialSnapshot;
const noSubscribe = () => () => {};
