import { useState } from "react";

/**
 * One banner at a time: the outcome of the last thing the admin did. A refusal replaces an
 * earlier success (and a one-time secret shown by it), and a success replaces an earlier refusal.
 */
export type Notice = { kind: "ok"; text: string; secret?: boolean } | { kind: "error"; text: string } | null;

/** The banner's state and `run`: a change whose sentence (or refusal) becomes the banner, after which `reload` reads the lists again. */
export function useNotice() {
  const [notice, setNotice] = useState<Notice>(null);
  const run = async (fn: () => Promise<Notice>, reload: () => Promise<void>) => {
    setNotice(null);
    try {
      setNotice(await fn());
    } catch (e) {
      setNotice({ kind: "error", text: e instanceof Error ? e.message : "The server did not answer." });
    }
    await reload();
  };
  return { notice, setNotice, run };
}

export function NoticeBanner({ notice }: { notice: Notice }) {
  if (notice?.kind === "error") {
    return (
      <p role="alert" className="panel error notice">
        {notice.text}
      </p>
    );
  }
  if (notice?.kind === "ok") {
    return (
      <p role="status" className={`panel notice${notice.secret ? " secret" : ""}`} data-testid={notice.secret ? "secret" : "notice"}>
        {notice.text}
      </p>
    );
  }
  return null;
}
