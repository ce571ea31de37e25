import { useEffect, useRef } from "react";
import { num, type CallSummary } from "../api/types";
import { clock } from "./replayModel";
import { audioOffsetMs, audioTimeAt, needsSeek, playableUrl } from "./recordingSync";

/**
 * The call's recording, played in step with the replay: it seeks when the playhead is moved,
 * plays and pauses with the player, runs at its speed, and is silent where the timeline has no
 * audio. Renders nothing without a playable recording.
 */
export function RecordingAudio({ recording, callStart, t, playing, speed }: {
  recording: CallSummary["recording"];
  callStart: number;
  t: number;
  playing: boolean;
  speed: number;
}) {
  const audio = useRef<HTMLAudioElement>(null);
  const url = playableUrl(recording);
  const offset = audioOffsetMs(recording?.startedAt, callStart);
  const wanted = audioTimeAt(t, offset, recording?.durationSeconds);
  useEffect(() => {
    const element = audio.current;
    if (!element) return;
    element.playbackRate = speed;
    if (wanted === null) {
      if (!element.paused) element.pause();
      return;
    }
    if (needsSeek(element.currentTime, wanted, speed)) element.currentTime = wanted;
    // A browser that refuses to play (no user gesture yet) leaves the timeline playing on its own.
    if (playing && element.paused) element.play().catch(() => undefined);
    else if (!playing && !element.paused) element.pause();
  }, [wanted, playing, speed]);
  if (!url) return null;
  const length = recording?.durationSeconds === null || recording?.durationSeconds === undefined ? null : num(recording.durationSeconds);
  return (
    <p className="hint recording">
      <audio ref={audio} src={url} preload="auto" />
      Recording plays with the timeline{offset > 0 ? ` from ${clock(offset)}` : ""}
      {length !== null ? ` (${clock(length * 1000)})` : ""} ·{" "}
      <a href={url} target="_blank" rel="noreferrer">
        Open the recording
      </a>
    </p>
  );
}
