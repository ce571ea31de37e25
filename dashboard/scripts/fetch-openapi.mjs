// Writes the server's OpenAPI document to a file: runs the built server on a free loopback port
// with a throw-away data directory, fetches /openapi/v1.json and stops it.
// usage: node scripts/fetch-openapi.mjs path/to/Switchboard.Server.dll path/to/v1.json
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const [dll, out] = process.argv.slice(2).map((p) => resolve(p));
if (!dll || !out) {
  console.error("usage: fetch-openapi.mjs SERVER_DLL OUTPUT_JSON");
  process.exit(2);
}

const data = mkdtempSync(join(tmpdir(), "sb-openapi-"));
const server = spawn(
  "dotnet",
  [dll, "--urls", "http://127.0.0.1:0", `--Storage:DataDirectory=${data}`, "--Demo:Enabled=false",
    "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information"],
  { cwd: dirname(dll), env: { ...process.env, ASPNETCORE_ENVIRONMENT: "Production", DOTNET_ENVIRONMENT: "Production" }, stdio: ["ignore", "pipe", "pipe"] },
);

let exitCode = 1;
try {
  const address = await new Promise((resolveAddress, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start listening within 60 s")), 60_000);
    let seen = "";
    server.stdout.on("data", (chunk) => {
      seen += chunk.toString();
      const m = /Now listening on: (http:\/\/[^\s]+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolveAddress(m[1]);
      }
    });
    server.stderr.on("data", (chunk) => process.stderr.write(chunk));
    server.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with code ${code} before listening`));
    });
  });
  const response = await fetch(`${address}/openapi/v1.json`, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET /openapi/v1.json answered ${response.status}`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(await response.json(), null, 2) + "\n");
  exitCode = 0;
} catch (e) {
  console.error(`error SBDASH02: could not read the server's OpenAPI document: ${e instanceof Error ? e.message : e}`);
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => (server.exitCode !== null ? r() : server.once("exit", r)));
  rmSync(data, { recursive: true, force: true });
}
process.exit(exitCode);
