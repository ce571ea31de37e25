"""A real Switchboard server as a separate process on a loopback port, started the way
tests/Switchboard.Testing/ServerProcess.cs starts it, and stopped by its PID."""
from __future__ import annotations

import json
import re
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
import unittest

REPOSITORY = Path(__file__).resolve().parents[3]
START_TIMEOUT = 90.0


def server_dll() -> Path | None:
    """The server's build (Debug, else Release), as ServerProcess.ServerDll locates it."""
    for configuration in ("Debug", "Release"):
        dll = REPOSITORY / "src" / "Switchboard.Server" / "bin" / configuration / "net10.0" / "Switchboard.Server.dll"
        if dll.is_file():
            return dll
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, dll: Path) -> None:
        self.dll = dll
        self.data_directory = tempfile.mkdtemp(prefix="switchboard-py-")
        self.base_url = f"http://127.0.0.1:{_free_port()}"
        self.process: subprocess.Popen[bytes] | None = None
        self._log = open(os.path.join(self.data_directory, "server.log"), "wb")

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({"ASPNETCORE_ENVIRONMENT": "Testing", "DOTNET_ENVIRONMENT": "Testing",
                    "Logging__LogLevel__Default": "Warning", "Scorecards__Enabled": "false"})
        return env

    def _command(self, *args: str) -> list[str]:
        return ["dotnet", str(self.dll), *args, f"--Storage:DataDirectory={self.data_directory}"]

    def create_key(self, scope: str, name: str) -> str:
        done = subprocess.run(self._command("keys", "create", "--scope", scope, "--name", name), cwd=self.dll.parent,
                              env=self._environment(), capture_output=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"keys create failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
        return done.stdout.decode().strip()

    def start(self) -> None:
        self.process = subprocess.Popen(self._command("--urls", self.base_url), cwd=self.dll.parent, env=self._environment(),
                                        stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode} during start-up; see {self._log.name}")
            try:
                with urllib.request.urlopen(self.base_url + "/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server was not ready within {START_TIMEOUT} s")

    def get_json(self, path: str, key: str) -> Any:
        request = urllib.request.Request(self.base_url + path, headers={"Authorization": f"Bearer {key}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read().decode("utf-8"))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()
        shutil.rmtree(self.data_directory, ignore_errors=True)


class Supervisor:
    """The first admin, signed in with a session cookie and the anti-forgery token (docs/SUPERVISION.md)."""

    def __init__(self, server: ServerProcess) -> None:
        self._server = server
        self._cookies: dict[str, str] = {}  # the session's and the anti-forgery cookie
        self._token = ""

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        headers = {"Content-Type": "application/json"}
        if self._cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self._cookies.items())
        if self._token:
            headers["X-CSRF-TOKEN"] = self._token
        request = urllib.request.Request(self._server.base_url + path, data=json.dumps(body).encode("utf-8"), method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                for header in answer.headers.get_all("Set-Cookie") or []:
                    name, _, value = header.split(";", 1)[0].partition("=")
                    self._cookies[name.strip()] = value
                return json.loads(answer.read().decode("utf-8") or "null")
        except urllib.error.HTTPError as error:
            raise AssertionError(f"POST {path} answered {error.code}: {error.read().decode(errors='replace')}") from None

    def sign_in(self, timeout: float = 30.0) -> None:
        log = Path(self._server.data_directory) / "server.log"
        deadline = time.monotonic() + timeout
        password = None
        while password is None:
            match = re.search(r"password '([^']+)'", log.read_text(encoding="utf-8", errors="replace"))
            if match:
                password = match.group(1)
            elif time.monotonic() > deadline:
                raise AssertionError("the server printed no admin password")
            else:
                time.sleep(0.05)
        session = self._post("/api/v1/auth/login", {"username": "admin", "password": password})
        self._token = session["antiforgery"]["token"]
        changed = self._post("/api/v1/auth/password", {"currentPassword": password, "newPassword": "python-tests-supervisor-1"})
        self._token = changed["antiforgery"]["token"]

    def act(self, call_id: str, action: str, **body: Any) -> Any:
        return self._post(f"/api/v1/calls/{call_id}/{action}", body)


class ServerTestCase(unittest.IsolatedAsyncioTestCase):
    """One server process per test class, with an agent key and a viewer key; stopped by PID after it."""

    server: ServerProcess
    agent_key: str
    viewer_key: str

    @classmethod
    def setUpClass(cls) -> None:
        dll = server_dll()
        if dll is None:
            raise unittest.SkipTest("the server is not built: run `dotnet build src/Switchboard.Server -p:SkipDashboard=true` first")
        cls.server = ServerProcess(dll)
        try:
            cls.agent_key = cls.server.create_key("agent", "python-agent")
            cls.viewer_key = cls.server.create_key("viewer", "python-viewer")
            cls.server.start()
            cls.started()
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def started(cls) -> None:
        """Runs once the server is ready."""

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()
