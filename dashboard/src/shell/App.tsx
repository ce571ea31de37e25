import { useEffect, useState } from "react";
import type { SessionInfo } from "../api/types";
import { AdminView } from "../admin/AdminView";
import { ChangePasswordView, LoginView } from "../auth/LoginView";
import { canIntervene, isAdmin, loadSession, logout, type Session } from "../auth/session";
import { CallRoom } from "../call/CallRoom";
import { useHelpAlerts } from "../escalations/HelpAlerts";
import { HelpQueue } from "../escalations/HelpQueue";
import { KnowledgeReview } from "../knowledge/KnowledgeReview";
import { WallboardView } from "../wallboard/WallboardView";
import { navigate, onLinkClick, usePath } from "./router";

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const path = usePath();

  useEffect(() => {
    void loadSession().then(setSession);
  }, []);

  if (!session) return <p className="loading">Loading…</p>;
  const signedIn = (user: SessionInfo) => {
    setSession({ kind: "user", user });
    if (path === "/login") navigate("/");
  };
  if (session.kind === "anonymous") return <LoginView onSignedIn={signedIn} />;
  if (session.kind === "user" && session.user.mustChangePassword) return <ChangePasswordView onChanged={signedIn} />;

  return <Shell session={session} path={path} onSignedOut={() => setSession({ kind: "anonymous" })} />;
}

function Shell({ session, path, onSignedOut }: { session: Session; path: string; onSignedOut: () => void }) {
  const supervisor = session.kind === "user" && session.user.role !== "viewer";
  const waiting = useHelpAlerts(supervisor);
  const callMatch = /^\/calls\/([^/]+)$/.exec(path);
  let view: React.ReactNode;
  if (callMatch?.[1]) view = <CallRoom key={callMatch[1]} callId={decodeURIComponent(callMatch[1])} canAct={canIntervene(session)} />;
  else if (path === "/queue") view = <HelpQueue canAct={supervisor} me={session.kind === "user" ? session.user.username : null} />;
  else if (path === "/kb") view = <KnowledgeReview />;
  else if (path === "/admin") view = <AdminView />;
  else view = <WallboardView />;

  const nav: [string, string][] = [
    ["/", "Wallboard"],
    ["/queue", "Help queue"],
    ["/kb", "Knowledge base"],
  ];
  if (isAdmin(session)) nav.push(["/admin", "Admin"]);

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Switchboard</span>
        <nav aria-label="Main">
          {nav.map(([href, label]) => (
            <a key={href} href={href} onClick={onLinkClick} aria-current={path === href ? "page" : undefined}>
              {label}
              {href === "/queue" && waiting > 0 && (
                <span className="nav-badge" aria-label={`${waiting} waiting`}>
                  {waiting}
                </span>
              )}
            </a>
          ))}
        </nav>
        <span className="who">
          {session.kind === "user" ? `${session.user.username} · ${session.user.role}` : "API key"}
          {session.kind === "user" && (
            <button
              type="button"
              onClick={() => {
                void logout().finally(() => {
                  onSignedOut();
                  navigate("/login");
                });
              }}
            >
              Sign out
            </button>
          )}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {view}
      </main>
    </>
  );
}
