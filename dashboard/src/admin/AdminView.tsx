import { useCallback, useEffect, useState, type FormEvent } from "react";
import { getJson, send } from "../api/client";
import { NoticeBanner, useNotice, type Notice } from "./notice";
import type { ApiKeyInfo, CreatedKey, CreatedUser, UserAccount } from "../api/types";

export function AdminView({ me }: { me: string | null }) {
  const [users, setUsers] = useState<UserAccount[]>([]);
  const [keys, setKeys] = useState<ApiKeyInfo[]>([]);
  const [newUser, setNewUser] = useState({ username: "", role: "supervisor", skills: "" });
  const [newKey, setNewKey] = useState({ name: "", scope: "agent" });

  const banner = useNotice();
  const { notice, setNotice } = banner;
  const load = useCallback(async () => {
    try {
      setUsers(await getJson<UserAccount[]>("/api/v1/admin/users"));
      setKeys(await getJson<ApiKeyInfo[]>("/api/v1/admin/keys"));
    } catch (e) {
      setNotice({ kind: "error", text: `The users and keys could not be read: ${e instanceof Error ? e.message : "no answer"}` });
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const run = (fn: () => Promise<Notice>) => banner.run(fn, load);

  const createUser = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const skills = newUser.skills.split(",").map((s) => s.trim()).filter(Boolean);
      const created = await send<CreatedUser>("POST", "/api/v1/admin/users", { username: newUser.username, role: newUser.role, skills });
      const name = newUser.username;
      setNewUser({ username: "", role: "supervisor", skills: "" });
      return created?.password
        ? { kind: "ok", secret: true, text: `Password for ${name} (shown once): ${created.password}` }
        : { kind: "ok", text: `${name} can now sign in as ${newUser.role}.` };
    });
  };

  const createKey = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const created = await send<CreatedKey>("POST", "/api/v1/admin/keys", newKey);
      const name = newKey.name;
      setNewKey({ name: "", scope: "agent" });
      return created ? { kind: "ok", secret: true, text: `API key ${name} (shown once): ${created.secret}` } : null;
    });
  };

  const changeRole = (u: UserAccount, role: string) =>
    run(async () => {
      await send("PATCH", `/api/v1/admin/users/${u.id}`, { role });
      return { kind: "ok", text: `${u.username} is now ${role === "admin" ? "an admin" : `a ${role}`}; their sessions have ended.` };
    });
  const toggle = (u: UserAccount) =>
    run(async () => {
      await send("PATCH", `/api/v1/admin/users/${u.id}`, { disabled: !u.disabledAt });
      return { kind: "ok", text: u.disabledAt ? `${u.username} can sign in again.` : `${u.username} is disabled and signed out.` };
    });
  const revoke = (k: ApiKeyInfo) =>
    run(async () => {
      await send("DELETE", `/api/v1/admin/keys/${k.id}`);
      return { kind: "ok", text: `The key ${k.name} is revoked; it stops working at once.` };
    });

  return (
    <section className="admin" aria-labelledby="admin-title">
      <div className="toolbar">
        <h1 id="admin-title">Admin</h1>
      </div>
      <NoticeBanner notice={notice} />
      <div className="admin-grid">
        <section className="panel stack-table" aria-labelledby="users-title">
          <h2 id="users-title">Users</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Skills</th>
                <th scope="col">Status</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td data-label="User">{u.username}</td>
                  <td data-label="Role">
                    <label className="sr-only" htmlFor={`role-${u.id}`}>
                      Role of {u.username}
                    </label>
                    <select id={`role-${u.id}`} value={u.role} disabled={u.username === me} onChange={(e) => void changeRole(u, e.target.value)}>
                      <option value="viewer">viewer</option>
                      <option value="supervisor">supervisor</option>
                      <option value="admin">admin</option>
                    </select>
                  </td>
                  <td data-label="Skills">{u.skills.join(", ") || "—"}</td>
                  <td data-label="Status">{u.disabledAt ? "disabled" : u.lastLoginAt ? `last in ${new Date(u.lastLoginAt).toLocaleString()}` : "never signed in"}</td>
                  <td data-label="Action">
                    <button type="button" disabled={u.username === me} title={u.username === me ? "You cannot disable yourself." : undefined} onClick={() => void toggle(u)}>
                      {u.disabledAt ? "Enable" : "Disable"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form onSubmit={createUser} className="inline-form">
            <label>
              Username
              <input value={newUser.username} onChange={(e) => setNewUser({ ...newUser, username: e.target.value })} required />
            </label>
            <label>
              Role
              <select value={newUser.role} onChange={(e) => setNewUser({ ...newUser, role: e.target.value })}>
                <option value="viewer">viewer</option>
                <option value="supervisor">supervisor</option>
                <option value="admin">admin</option>
              </select>
            </label>
            <label>
              Skills
              <input value={newUser.skills} onChange={(e) => setNewUser({ ...newUser, skills: e.target.value })} placeholder="billing, spanish" />
            </label>
            <button type="submit" className="primary">
              Create user
            </button>
          </form>
        </section>
        <section className="panel stack-table" aria-labelledby="keys-title">
          <h2 id="keys-title">API keys</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Prefix</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td data-label="Name">{k.name}</td>
                  <td data-label="Scope">{k.scope}</td>
                  <td data-label="Prefix">
                    <code>{k.prefix}</code>
                  </td>
                  <td data-label="Status">
                    {k.revokedAt ? (
                      "revoked"
                    ) : (
                      <button type="button" className="danger" onClick={() => void revoke(k)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form onSubmit={createKey} className="inline-form">
            <label>
              Name
              <input value={newKey.name} onChange={(e) => setNewKey({ ...newKey, name: e.target.value })} required />
            </label>
            <label>
              Scope
              <select value={newKey.scope} onChange={(e) => setNewKey({ ...newKey, scope: e.target.value })}>
                <option value="agent">agent</option>
                <option value="viewer">viewer</option>
              </select>
            </label>
            <button type="submit" className="primary">
              Create key
            </button>
          </form>
        </section>
      </div>
    </section>
  );
}
