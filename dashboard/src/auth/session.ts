import { ApiError, getJson, send, setAntiforgery } from "../api/client";
import type { SessionInfo } from "../api/types";

export type Session =
  | { kind: "user"; user: SessionInfo }
  /** Signed in by other means than a session (an API key sent by a wall display's browser). */
  | { kind: "key" }
  | { kind: "anonymous" };

export async function loadSession(): Promise<Session> {
  try {
    const user = await getJson<SessionInfo>("/api/v1/auth/me");
    const token = await getJson<{ headerName: string; token: string }>("/api/v1/auth/antiforgery").catch(() => null);
    setAntiforgery(token);
    return { kind: "user", user };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return { kind: "anonymous" };
    // No session API, or a caller that is not a session: does the read API let us in?
    try {
      await getJson("/api/v1/calls?limit=1");
      return { kind: "key" };
    } catch {
      return { kind: "anonymous" };
    }
  }
}

export async function login(username: string, password: string): Promise<SessionInfo> {
  const user = await send<SessionInfo>("POST", "/api/v1/auth/login", { username, password });
  if (!user) throw new Error("The server did not answer the login.");
  setAntiforgery(user.antiforgery);
  return user;
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<SessionInfo> {
  const user = await send<SessionInfo>("POST", "/api/v1/auth/password", { currentPassword, newPassword });
  if (!user) throw new Error("The server did not answer.");
  setAntiforgery(user.antiforgery);
  return user;
}

export async function logout(): Promise<void> {
  await send("POST", "/api/v1/auth/logout");
}

/** Supervisors and admins: interventions, the help queue and the knowledge base. */
export function isSupervisor(session: Session): boolean {
  return session.kind === "user" && session.user.role !== "viewer";
}

/**
 * Whether the controls are offered. A browser that reads through an API key holds a viewer key
 * (agent keys cannot read calls), which the server refuses every intervention: no controls.
 */
export function canIntervene(session: Session): boolean {
  return isSupervisor(session);
}

export function isAdmin(session: Session): boolean {
  return session.kind === "user" && session.user.role === "admin";
}
