import { describe, expect, it } from "vitest";
import type { HelpRequestView } from "../api/types";
import { FakeEventSource } from "./fakeEventSource";
import { HelpQueueStream } from "./helpQueueStream";

const view = (id: string, status = "open", holdSeconds = 0): HelpRequestView => ({
  request: { id, callId: "C" + id, requestId: "r" + id, question: "q" + id, topic: null, context: null, status, requestedAt: "2026-11-21T10:00:00Z", timeoutAt: "2026-11-21T10:05:00Z", routedTo: [] },
  holdSeconds,
  recentTranscript: [],
  quickResponses: [],
});

function setup() {
  const sources: FakeEventSource[] = [];
  let now = 100_000;
  const queue = new HelpQueueStream("/q", (url) => {
    const s = new FakeEventSource(url);
    sources.push(s);
    return s;
  }, () => now, (n) => n);
  queue.start();
  return { queue, sources, current: () => sources.at(-1)!, tick: (ms: number) => (now += ms) };
}

describe("help queue store", () => {
  it("lists the snapshot longest-holding first, without calling it an arrival", () => {
    const { queue, current } = setup();
    current().emit("snapshot", [view("a", "open", 5), view("b", "claimed", 30)]);
    const s = queue.getSnapshot();
    expect(s.requests.map((r) => r.view.request.id)).toEqual(["b", "a"]);
    expect(s.arrivals).toEqual([]);
    expect(s.status).toBe("live");
  });

  it("adds a new request as an arrival and drops one that is answered", () => {
    const { queue, current } = setup();
    current().emit("snapshot", [view("a")]);
    current().emit("request", view("b"));
    current().emit("request", view("a", "answered"));
    const s = queue.getSnapshot();
    expect(s.requests.map((r) => r.view.request.id)).toEqual(["b"]);
    expect(s.arrivals).toEqual(["b"]);
  });

  it("keeps counting hold time from the first sight of a request, across updates", () => {
    const { queue, current, tick } = setup();
    current().emit("snapshot", [view("a", "open", 10)]);
    tick(5000);
    current().emit("request", view("a", "claimed", 15));
    expect(queue.getSnapshot().requests[0]?.holdingSince).toBe(100_000 - 10_000);
  });

  it("reconnects on the server's resume frame and counts what came meanwhile as arrivals", () => {
    const { queue, sources, current } = setup();
    current().emit("snapshot", [view("a")]);
    current().emit("resume", {});
    expect(sources).toHaveLength(2);
    current().emit("snapshot", [view("a"), view("c")]);
    expect(queue.getSnapshot().arrivals).toEqual(["c"]);
  });
});

describe("help queue store, closed requests", () => {
  it("keeps a request it showed that closed, newest first, and ignores closings of requests it never showed", () => {
    const { queue, current } = setup();
    current().emit("snapshot", [view("a"), view("b")]);
    current().emit("request", view("a", "timed_out", 120));
    current().emit("request", view("z", "answered"));
    current().emit("request", view("b", "answered", 40));
    const s = queue.getSnapshot();
    expect(s.requests).toEqual([]);
    expect(s.closed.map((v) => [v.request.id, v.request.status])).toEqual([
      ["b", "answered"],
      ["a", "timed_out"],
    ]);
  });
});
