"""Run ``gdpr-bridge`` as a real process for end-to-end tests, logging to a file."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Mapping

import httpx

from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


class BridgeProcess:
    """``gdpr-bridge <command>`` with its own data dir; stdout+stderr go to ``log_path``."""

    def __init__(self, data_dir: Path, env: Mapping[str, str], command: tuple[str, ...] = ("serve",),
                 sweep_minutes: int = 0, rate_limits: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.metrics_port = free_port()
        self.command = command
        self.log_path = self.data_dir / f"process-{'-'.join(command)}-{self.port}.log"
        self.env = {
            **os.environ,
            "PORT": str(self.port),
            "BRIDGE_METRICS_PORT": str(self.metrics_port),  # /metrics and /readyz, on 127.0.0.1
            "BRIDGE_DATA_DIR": str(self.data_dir),
            "BRIDGE_LOG_FORMAT": "json",
            "BRIDGE_RULES": str(ROOT / "rules.yaml"),
            "PYTHONPATH": str(ROOT),
            "BRIDGE_RETRY_DELAY_SECONDS": "0.2",
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None
        if "BRIDGE_RULES" not in env:  # the shipped rules, without the periodic sweep unless asked
            rules = self.data_dir / "rules.yaml"
            text = (ROOT / "rules.yaml").read_text(encoding="utf-8").replace(
                "interval_minutes: 15", f"interval_minutes: {sweep_minutes}")
            if not rate_limits:  # e.g. benchmarks of the bridge's own throughput
                text = re.sub(r"(?ms)^rate_limits:\n(?:[ #].*\n|\n)*", "", text)
            rules.write_text(text, encoding="utf-8")
            self.env["BRIDGE_RULES"] = str(rules)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}"

    def start(self, wait_ready: bool = True, timeout: float = 240) -> "BridgeProcess":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bridge.cli", *self.command], env=self.env, stdout=log, stderr=subprocess.STDOUT,
            cwd=str(self.data_dir),
        )
        if wait_ready:
            try:
                self.wait_ready(timeout)
            except BaseException:  # a bridge that never got ready must not outlive the test
                self.kill()
                raise
        return self

    def wait_ready(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"bridge exited with {self.proc.returncode}:\n{self.log_path.read_text()[-3000:]}")
            if "web" in self.command or "serve" in self.command:
                try:
                    if httpx.get(self.url + "/healthz", timeout=1).status_code == 200 and self._worker_ready():
                        return
                except httpx.HTTPError:
                    pass
            elif self._worker_ready():
                return
            time.sleep(0.1)
        raise TimeoutError(f"bridge not ready in {timeout}s:\n{self.log_path.read_text()[-3000:]}")

    def _worker_ready(self) -> bool:
        if "web" in self.command:
            return True
        return "worker ready" in self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        self.stop(signal.SIGKILL)
