import { describe, expect, it } from "vitest";
import { audioOffsetMs, audioTimeAt, needsSeek, playableUrl } from "./recordingSync";

const callStart = Date.parse("2026-12-01T10:00:00Z");

describe("recording sync", () => {
  it("offsets the audio by the time between the call's start and the recording's", () => {
    expect(audioOffsetMs("2026-12-01T10:00:02.500Z", callStart)).toBe(2500);
    expect(audioOffsetMs(null, callStart)).toBe(0);
    expect(audioOffsetMs("not a date", callStart)).toBe(0);
  });

  it("maps the playhead to the audio's position, with no audio before it begins or after it ends", () => {
    expect(audioTimeAt(10_000, 2500, 60)).toBe(7.5);
    expect(audioTimeAt(1000, 2500, 60)).toBeNull();
    expect(audioTimeAt(70_000, 2500, "60")).toBeNull();
    expect(audioTimeAt(70_000, 2500, null)).toBe(67.5);
  });

  it("seeks only when the element drifted more than the slack, which grows with speed", () => {
    expect(needsSeek(7.4, 7.5, 1)).toBe(false);
    expect(needsSeek(7.0, 7.5, 1)).toBe(true);
    expect(needsSeek(7.0, 7.5, 4)).toBe(false);
  });

  it("plays only completed recordings with a URL", () => {
    const base = { startedAt: null, durationSeconds: 3, egressId: "EG_1", error: null, attempts: 1 };
    expect(playableUrl({ ...base, status: "completed", url: "https://media.example.com/r.ogg" })).toBe("https://media.example.com/r.ogg");
    expect(playableUrl({ ...base, status: "completed", url: null })).toBeNull();
    expect(playableUrl({ ...base, status: "recording", url: "https://media.example.com/r.ogg" })).toBeNull();
    expect(playableUrl(null)).toBeNull();
  });
});
