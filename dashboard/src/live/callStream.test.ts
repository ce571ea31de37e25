import { describe, expect, it } from "vitest";
import type { StoredEvent } from "../api/types";
import { CallStream } from "./callStream";
import { CLOSED, CONNECTING } from "./eventSource";
import { FakeEventSource } from "./fakeEventSource";

function ev(seq: number, type = "transcript.final", text = `line ${seq}`): StoredEvent {
  return {
    callId: "C1",
    seq,
    id: `e${seq}`,
    type,
    at: "2026-11-21T10:00:00Z",
    receivedAt: "2026-11-21T10:00:00Z",
    data: { speaker: "customer", segmentId: `s${seq}`, text },
  };
}

function setup(history?: (after: number, limit: number) => StoredEvent[]) {
  const sources: FakeEventSource[] = [];
  const timers: (() => void)[] = [];
  const stream = new CallStream("C1", {
    open: (url) => {
      const s = new FakeEventSource(url);
      sources.push(s);
      return s;
    },
    history: history ? async (_id, after, limit) => history(after, limit) : undefined,
    schedule: (notify) => notify,
    timers: { set: (fn) => timers.push(fn), clear: () => {} },
  });
  stream.start();
  const current = () => {
    const s = sources.at(-1);
    if (!s) throw new Error("no connection");
    return s;
  };
  const seqs = () => stream.getSnapshot().events.map((e) => e.seq);
  return { stream, sources, timers, current, seqs };
}

describe("call stream store", () => {
  it("shows history, then says live after caught-up", () => {
    const { stream, current, seqs } = setup();
    current().opened();
    [1, 2, 3].forEach((n) => current().emit("transcript.final", ev(n)));
    expect(stream.getSnapshot().status).toBe("connecting");
    current().emit("caught-up", { seq: 3 });
    expect(stream.getSnapshot().status).toBe("live");
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it("drops an event it already holds, by seq", () => {
    const { stream, current, seqs } = setup();
    [1, 2, 2, 3, 1].forEach((n) => current().emit("transcript.final", ev(n)));
    expect(seqs()).toEqual([1, 2, 3]);
    expect(stream.getSnapshot().duplicatesDropped).toBe(2);
  });

  it("says reconnecting while the browser retries, and a repeated tail after it is not doubled", () => {
    const { stream, current, seqs } = setup();
    [1, 2, 3].forEach((n) => current().emit("transcript.final", ev(n)));
    current().emit("caught-up", { seq: 3 });
    current().fail(CONNECTING);
    expect(stream.getSnapshot().status).toBe("reconnecting");
    [2, 3, 4].forEach((n) => current().emit("transcript.final", ev(n)));
    current().emit("caught-up", { seq: 4 });
    expect(seqs()).toEqual([1, 2, 3, 4]);
    expect(stream.getSnapshot().status).toBe("live");
  });

  it("reopens a closed connection from the last seq it holds", () => {
    const { stream, sources, timers, current, seqs } = setup();
    [1, 2, 3, 4, 5].forEach((n) => current().emit("transcript.final", ev(n)));
    current().fail(CLOSED);
    expect(stream.getSnapshot().status).toBe("reconnecting");
    expect(sources).toHaveLength(1);
    timers.shift()?.();
    expect(sources).toHaveLength(2);
    expect(current().url).toBe("/api/v1/calls/C1/stream?after=5");
    [6, 7].forEach((n) => current().emit("transcript.final", ev(n)));
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(stream.getSnapshot().reconnects).toBe(1);
  });

  it("follows the server's resume frame at once, from the last seq it holds", () => {
    const { sources, current, seqs } = setup();
    [1, 2, 3].forEach((n) => current().emit("transcript.final", ev(n)));
    current().emit("resume", { after: 3 });
    expect(sources).toHaveLength(2);
    expect(sources[0]?.readyState).toBe(CLOSED);
    expect(current().url).toBe("/api/v1/calls/C1/stream?after=3");
    // A late frame from the old connection is ignored.
    sources[0]?.emit("transcript.final", ev(9));
    current().emit("transcript.final", ev(4));
    expect(seqs()).toEqual([1, 2, 3, 4]);
  });

  it("fills a hole from the history API and keeps order", async () => {
    const store = [1, 2, 3, 4, 5].map((n) => ev(n, n === 3 ? "x-custom" : "transcript.final"));
    const { stream, current, seqs } = setup((after, limit) => store.filter((e) => Number(e.seq) > after).slice(0, limit));
    [1, 2, 4].forEach((n) => current().emit("transcript.final", ev(n)));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seqs()).toEqual([1, 2, 3, 4]);
    expect(stream.resumePoint).toBe(4);
  });

  it("shows interim text as it forms and clears it with the final line", () => {
    const { stream, current } = setup();
    current().emit("transcript.interim", { ...ev(0), type: "transcript.interim", data: { speaker: "customer", segmentId: "s9", text: "I want" } });
    expect(stream.getSnapshot().interim).toEqual([{ speaker: "customer", segmentId: "s9", text: "I want" }]);
    current().emit("transcript.final", ev(1));
    expect(stream.getSnapshot().interim).toEqual([]);
  });
});
