import { useCallback, useEffect, useState, type FormEvent } from "react";
import { getJson, send } from "../api/client";
import type { ApiKeyInfo, CreatedKey, CreatedUser, UserAccount } from "../api/types";

export function AdminView() {
  const [users, setUsers] = useState<UserAccount[]>([]);
  const [keys, setKeys] = useState<ApiKeyInfo[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [newUser, setNewUser] = useState({ username: "", role: "supervisor", skills: "" });
  const [newKey, setNewKey] = useState({ name: "", scope: "agent" });

  const load = useCallback(async () => {
    try {
      setUsers(await getJson<UserAccount[]>("/api/v1/admin/users"));
      setKeys(await getJson<ApiKeyInfo[]>("/api/v1/admin/keys"));
      setProblem(null);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : "Admin data could not be read.");
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const run = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      await load();
    } catch (e) {
      setProblem(e instanceof Error ? e.message : "failed");
    }
  };

  const createUser = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const skills = newUser.skills.split(",").map((s) => s.trim()).filter(Boolean);
      const created = await send<CreatedUser>("POST", "/api/v1/admin/users", { username: newUser.username, role: newUser.role, skills });
      setSecret(created?.password ? `Password for ${newUser.username} (shown once): ${created.password}` : null);
      setNewUser({ username: "", role: "supervisor", skills: "" });
    });
  };

  const createKey = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const created = await send<CreatedKey>("POST", "/api/v1/admin/keys", newKey);
      setSecret(created ? `API key ${newKey.name} (shown once): ${created.secret}` : null);
      setNewKey({ name: "", scope: "agent" });
    });
  };

  return (
    <section className="admin" aria-labelledby="admin-title">
      <div className="toolbar">
        <h1 id="admin-title">Admin</h1>
      </div>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {secret && (
        <p role="status" className="panel secret" data-testid="secret">
          {secret}
        </p>
      )}
      <div className="admin-grid">
        <section className="panel" aria-labelledby="users-title">
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
                  <td>{u.username}</td>
                  <td>
                    <label className="sr-only" htmlFor={`role-${u.id}`}>
                      Role of {u.username}
                    </label>
                    <select id={`role-${u.id}`} value={u.role} onChange={(e) => void run(() => send("PATCH", `/api/v1/admin/users/${u.id}`, { role: e.target.value }))}>
                      <option value="viewer">viewer</option>
                      <option value="supervisor">supervisor</option>
                      <option value="admin">admin</option>
                    </select>
                  </td>
                  <td>{u.skills.join(", ") || "—"}</td>
                  <td>{u.disabledAt ? "disabled" : u.lastLoginAt ? `last in ${new Date(u.lastLoginAt).toLocaleString()}` : "never signed in"}</td>
                  <td>
                    <button type="button" onClick={() => void run(() => send("PATCH", `/api/v1/admin/users/${u.id}`, { disabled: !u.disabledAt }))}>
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
        <section className="panel" aria-labelledby="keys-title">
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
                  <td>{k.name}</td>
                  <td>{k.scope}</td>
                  <td>
                    <code>{k.prefix}</code>
                  </td>
                  <td>
                    {k.revokedAt ? (
                      "revoked"
                    ) : (
                      <button type="button" className="danger" onClick={() => void run(() => send("DELETE", `/api/v1/admin/keys/${k.id}`))}>
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
