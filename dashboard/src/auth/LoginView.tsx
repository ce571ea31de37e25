import { useState, type FormEvent } from "react";
import type { SessionInfo } from "../api/types";
import { changePassword, login } from "./session";

export function LoginView({ onSignedIn }: { onSignedIn: (user: SessionInfo) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await login(username, password));
    } catch (e) {
      setError(e instanceof Error ? e.message : "Login failed.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login" aria-labelledby="login-title">
      <form onSubmit={submit} className="panel login-form">
        <h1 id="login-title">Switchboard</h1>
        <label>
          Username
          <input name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}

export function ChangePasswordView({ onChanged }: { onChanged: (user: SessionInfo) => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      onChanged(await changePassword(current, next));
    } catch (e) {
      setError(e instanceof Error ? e.message : "The password was not changed.");
    }
  }

  return (
    <main className="login" aria-labelledby="pw-title">
      <form onSubmit={submit} className="panel login-form">
        <h1 id="pw-title">Choose a new password</h1>
        <p>This account must set its own password before going on.</p>
        <label>
          Current password
          <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label>
          New password
          <input type="password" autoComplete="new-password" required minLength={12} value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          Save password
        </button>
      </form>
    </main>
  );
}
