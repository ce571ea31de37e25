import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

/** The repository root: the directory above holding Switchboard.slnx. */
export function repositoryRoot(): string {
  let dir = here;
  while (!existsSync(join(dir, 'Switchboard.slnx'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Switchboard.slnx not found above ' + here);
    dir = parent;
  }
  return dir;
}

/** The server's Debug (else Release) build, as tests/Switchboard.Testing/ServerProcess.cs finds it. */
export function serverDll(): string | undefined {
  for (const configuration of ['Debug', 'Release']) {
    const dll = join(repositoryRoot(), 'src', 'Switchboard.Server', 'bin', configuration, 'net10.0', 'Switchboard.Server.dll');
    if (existsSync(dll)) return dll;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

const env = { ...process.env, ASPNETCORE_ENVIRONMENT: 'Testing', DOTNET_ENVIRONMENT: 'Testing', Logging__LogLevel__Default: 'Warning', Scorecards__Enabled: 'false' };

/** A signed-in supervisor (the admin) of {@link SwitchboardServer.supervisor}. */
export type SupervisorClient = ((path: string, body?: object) => Promise<{ status: number; body: any }>) & {
  get(path: string): Promise<{ status: number; body: any }>;
  stream(path: string): Promise<{ close(): void }>;
};

/** A private Switchboard server process on a free loopback port in a temporary directory, stopped by PID. */
export class SwitchboardServer {
  private constructor(
    readonly url: string, readonly dataDirectory: string, private readonly child: ChildProcess,
    readonly agentKey: string, readonly viewerKey: string, readonly adminPassword: string,
  ) {}

  static async start(timeoutMs = 60_000): Promise<SwitchboardServer> {
    const dll = serverDll();
    if (!dll) throw new Error('Build the server first: dotnet build src/Switchboard.Server -p:SkipDashboard=true');
    const data = mkdtempSync(join(tmpdir(), 'sb-node-'));
    const key = async (scope: string) =>
      (await run('dotnet', [dll, 'keys', 'create', '--scope', scope, '--name', `node-${scope}`, `--Storage:DataDirectory=${data}`], { cwd: dirname(dll), env, timeout: timeoutMs })).stdout.trim();
    const agentKey = await key('agent');
    const viewerKey = await key('viewer');
    const url = `http://127.0.0.1:${await freePort()}`;
    const child = spawn('dotnet', [dll, '--urls', url, `--Storage:DataDirectory=${data}`], { cwd: dirname(dll), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (b) => { output += b.toString(); });
    child.stderr!.on('data', () => {});
    const deadline = Date.now() + timeoutMs;
    let password: string | undefined;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode}: ${output}`);
      password ??= /password '([^']+)'/.exec(output)?.[1];
      const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
      if (ready && password) return new SwitchboardServer(url, data, child, agentKey, viewerKey, password);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error('The server did not become ready in time');
  }

  /** Every event of a call, read with the viewer key. */
  async events(callId: string): Promise<Array<{ seq: number; type: string; data: Record<string, any> }>> {
    const all: Array<{ seq: number; type: string; data: Record<string, any> }> = [];
    let after = 0;
    for (;;) {
      const r = await fetch(`${this.url}/api/v1/calls/${encodeURIComponent(callId)}/events?after=${after}&limit=500`, {
        headers: { authorization: `Bearer ${this.viewerKey}` }, signal: AbortSignal.timeout(10_000),
      });
      if (r.status === 404) return all;
      const page = (await r.json()) as { events: typeof all; next: number | null };
      all.push(...page.events);
      if (page.next === null || page.next === undefined) return all;
      after = page.next;
    }
  }

  /**
   * Signs the admin in, sets a new password and returns a client for the intervention API: the
   * function POSTs, `get` GETs, and `stream` opens a live stream (which makes the admin an online
   * supervisor while it is open).
   */
  supervisor(): Promise<SupervisorClient> {
    this.signedIn ??= this.signIn();
    return this.signedIn;
  }

  private signedIn: Promise<SupervisorClient> | undefined;

  private async signIn(): Promise<SupervisorClient> {
    let cookies = new Map<string, string>();
    let csrf = '';
    const send = async (method: string, path: string, body?: object) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      if (csrf) headers['x-csrf-token'] = csrf;
      const r = await fetch(`${this.url}${path}`, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(body ?? {}), signal: AbortSignal.timeout(10_000) });
      for (const c of r.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        cookies.set(pair.slice(0, i), pair.slice(i + 1));
      }
      const text = await r.text();
      const parsed = text ? JSON.parse(text) : undefined;
      if (parsed?.antiforgery?.token) csrf = parsed.antiforgery.token;
      return { status: r.status, body: parsed };
    };
    const login = await send('POST', '/api/v1/auth/login', { username: 'admin', password: this.adminPassword });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
    const newPassword = 'a long passphrase for node tests';
    const changed = await send('POST', '/api/v1/auth/password', { currentPassword: this.adminPassword, newPassword });
    if (changed.status !== 200) throw new Error(`password: ${changed.status} ${JSON.stringify(changed.body)}`);
    const stream = async (path: string) => {
      const abort = new AbortController();
      const r = await fetch(`${this.url}${path}`, { headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, signal: abort.signal });
      if (r.status !== 200) throw new Error(`stream ${path}: ${r.status}`);
      void r.body?.pipeTo(new WritableStream()).catch(() => {});
      return { close: () => abort.abort() };
    };
    return Object.assign((path: string, body?: object) => send('POST', path, body), { get: (path: string) => send('GET', path), stream });
  }

  /** SIGTERM by PID, SIGKILL after `timeoutMs`; removes the data directory. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.child.exitCode === null && this.child.pid) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      process.kill(this.child.pid, 'SIGTERM');
      const timer = setTimeout(() => { if (this.child.pid && this.child.exitCode === null) process.kill(this.child.pid, 'SIGKILL'); }, timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDirectory, { recursive: true, force: true });
  }
}

export const vectorsDirectory = () => resolve(repositoryRoot(), 'tests', 'protocol-vectors');
