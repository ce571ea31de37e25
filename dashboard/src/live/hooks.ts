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

export function useWallboard(): WallboardSnapshot {
  const [stream] = useState(() => new WallboardStream(browserEventSource));
  useEffect(() => {
    stream.start();
    return () => stream.stop();
  }, [stream]);
  return useSyncExternalStore(stream.subscribe, stream.getSnapshot);
}
