// Listening by audio: join the LiveKit room hidden and subscribe-only with the token the server
// issued, and play the remote tracks. Loaded only when the server hands out a LiveKit token.
export interface AudioSession {
  stop: () => Promise<void>;
}

export async function startListening(url: string, token: string): Promise<AudioSession> {
  const { Room, RoomEvent, Track } = await import("livekit-client");
  const room = new Room({ adaptiveStream: false });
  const elements: HTMLMediaElement[] = [];
  room.on(RoomEvent.TrackSubscribed, (track) => {
    if (track.kind === Track.Kind.Audio) {
      const el = track.attach();
      el.dataset["switchboard"] = "listen";
      document.body.appendChild(el);
      elements.push(el);
    }
  });
  await room.connect(url, token, { autoSubscribe: true });
  return {
    stop: async () => {
      elements.forEach((el) => el.remove());
      await room.disconnect();
    },
  };
}
