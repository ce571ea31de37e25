import { lazy, Suspense, useEffect, useState } from "react";
import type { SessionInfo } from "../api/types";
import { AdminView } from "../admin/AdminView";
import { AuditView } from "../admin/AuditView";
import { OutboundView } from "../admin/OutboundView";
import { PastCallsView } from "../archive/PastCallsView";
import { ReplayView } from "../archive/ReplayView";
import { ReviewQueue } from "../archive/ReviewQueue";
import { ChangePasswordView, LoginView } from "../auth/LoginView";
import { canIntervene, isAdmin, isSupervisor, loadSession, logout, type Session } from "../auth/session";
import { CallRoom } from "../call/CallRoom";
import { useHelpAlerts } from "../escalations/HelpAlerts";
import { HelpQueue } from "../escalations/HelpQueue";
import { KnowledgeReview } from "../knowledge/KnowledgeReview";
import { WallboardView } from "../wallboard/WallboardView";
import { OnlyFor } from "./OnlyFor";
import { navigate, onLinkClick, usePath } from "./router";

// Analytics brings its charting library; it loads when first opened, not with every page.
const AnalyticsView = lazy(() => import("../archive/AnalyticsView").then((m) => ({ default: m.AnalyticsView })));

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
  const supervisor = isSupervisor(session);
  const admin = isAdmin(session);
  const me = session.kind === "user" ? session.user.username : null;
  const waiting = useHelpAlerts(supervisor);
  const callMatch = /^\/calls\/([^/]+)$/.exec(path);
  const replayMatch = /^\/calls\/([^/]+)\/replay$/.exec(path);
  // Pages a role does not include say so; their links are not offered.
  let view: React.ReactNode;
  if (callMatch?.[1]) view = <CallRoom key={callMatch[1]} callId={decodeURIComponent(callMatch[1])} canAct={canIntervene(session)} me={me} />;
  else if (replayMatch?.[1]) view = <ReplayView key={replayMatch[1]} callId={decodeURIComponent(replayMatch[1])} canAct={canIntervene(session)} />;
  else if (path === "/history") view = <PastCallsView />;
  else if (path === "/analytics") view = supervisor ? (
      <Suspense fallback={<p className="loading">Loading…</p>}>
        <AnalyticsView />
      </Suspense>
    ) : (
      <OnlyFor role="supervisors" />
    );
  else if (path === "/reviews") view = supervisor ? <ReviewQueue /> : <OnlyFor role="supervisors" />;
  else if (path === "/queue") view = supervisor ? <HelpQueue canAct me={me} /> : <OnlyFor role="supervisors" />;
  else if (path === "/kb") view = supervisor ? <KnowledgeReview /> : <OnlyFor role="supervisors" />;
  else if (path === "/admin") view = admin ? <AdminView me={me} /> : <OnlyFor role="admins" />;
  else if (path === "/admin/audit") view = admin ? <AuditView /> : <OnlyFor role="admins" />;
  else if (path === "/admin/outbound") view = admin ? <OutboundView /> : <OnlyFor role="admins" />;
  else view = <WallboardView />;

  const nav: [string, string][] = [["/", "Wallboard"], ["/history", "Past calls"]];
  if (supervisor) nav.push(["/queue", "Help queue"], ["/kb", "Knowledge base"], ["/analytics", "Analytics"], ["/reviews", "Reviews"]);
  if (admin) nav.push(["/admin", "Admin"], ["/admin/audit", "Audit"], ["/admin/outbound", "Webhooks"]);

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
