// Keeping a call's recording in step with the replay's playhead. Pure; RecordingAudio applies it
// to an <audio> element. The playhead is ms from the call's start; the audio begins when Egress
// began recording, which is a little after the call started.
import { num, type CallSummary } from "../api/types";

type Recording = NonNullable<CallSummary["recording"]>;

/** Within this much (in seconds of audio, per 1× of speed) the element is left to play on rather than seeked. */
export const driftSeconds = 0.25;

/** The recording's URL when it can be played: completed, with a URL. */
export function playableUrl(recording: Recording | null | undefined): string | null {
  return recording?.status === "completed" && recording.url ? recording.url : null;
}

/** Where the audio begins on the timeline (ms from the call's start); 0 when its start is unknown. */
export function audioOffsetMs(recordingStartedAt: string | null | undefined, callStart: number): number {
  const start = recordingStartedAt ? Date.parse(recordingStartedAt) : NaN;
  return Number.isFinite(start) && Number.isFinite(callStart) ? start - callStart : 0;
}

/** The audio's position (s) at timeline position `t` (ms), or null where the timeline has no audio (before it begins, after it ends). */
export function audioTimeAt(t: number, offsetMs: number, durationSeconds?: number | string | null): number | null {
  const at = (t - offsetMs) / 1000;
  const length = durationSeconds === null || durationSeconds === undefined ? Infinity : num(durationSeconds);
  return at < 0 || at > length ? null : at;
}

/** True when the element has drifted from the playhead enough to seek it (seeking on every frame would stutter). */
export function needsSeek(current: number, wanted: number, speed: number): boolean {
  return Math.abs(current - wanted) > driftSeconds * Math.max(1, speed);
}
