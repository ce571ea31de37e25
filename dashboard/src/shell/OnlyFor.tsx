import { onLinkClick } from "./router";

/** What someone sees who opens a page their role does not include: which role it needs, and a way back. */
export function OnlyFor({ role }: { role: "admins" | "supervisors" }) {
  return (
    <section className="only-for panel" aria-labelledby="only-title">
      <h1 id="only-title">{role === "admins" ? "Admins only" : "Supervisors only"}</h1>
      <p>
        This page is for {role}. Your account does not have that role; an admin can give it to you.
      </p>
      <a href="/" onClick={onLinkClick}>
        Back to the wallboard
      </a>
    </section>
  );
}
