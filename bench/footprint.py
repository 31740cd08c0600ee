"""Install footprint of one virtual environment: its size on disk, and a ``gdpr-bridge worker``
started from it: time from exec to "worker ready", and the worker's RSS when ready.

    python3 bench/footprint.py --venv /tmp/venv-after [--runs 3]

Make the venv first, fresh, the way README's set-up does (``python3 -m venv V && V/bin/pip
install .`` from a clone; add ``'.[ner]'`` to measure with the spaCy model). The worker runs
from an empty folder with the rules packaged in that install (no ``BRIDGE_RULES``, no
``./rules.yaml``), a SQLite queue in a temporary data folder, no platform configured. Uses
nothing from this checkout, so the same script measures any version. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def du_mb(path: Path) -> float:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            file = Path(root) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total / 1e6


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1])
    return 0


def start_once(venv: Path, timeout: float = 180.0) -> tuple[float, int]:
    """Seconds from exec to "worker ready", and the RSS (kB) at that moment."""
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIDGE_", "ZENDESK_", "JIRA_", "SMTP_"))}
        env.pop("PYTHONPATH", None)
        env.update({"BRIDGE_DATA_DIR": str(Path(folder) / "data"), "BRIDGE_LOG_FORMAT": "json",
                    "PATH": f"{venv / 'bin'}:{env.get('PATH', '')}", "VIRTUAL_ENV": str(venv)})
        began = time.monotonic()
        proc = subprocess.Popen([str(venv / "bin" / "gdpr-bridge"), "worker", "--workers", "1"], cwd=folder, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            assert proc.stderr is not None
            deadline = began + timeout
            for line in proc.stderr:
                if '"worker ready"' in line or "worker ready" in line:
                    seconds = time.monotonic() - began
                    return seconds, rss_kb(proc.pid)
                if time.monotonic() > deadline:
                    break
            raise SystemExit(f"the worker did not get ready (exit {proc.poll()})")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    venv = args.venv.resolve()
    freeze = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
                            capture_output=True, text=True, check=True)
    packages = {p["name"].lower() for p in json.loads(freeze.stdout)}
    model = next((p for p in packages if p.startswith("en-core-web") or p.startswith("en_core_web")), None)
    runs = [start_once(venv) for _ in range(args.runs)]
    seconds = [s for s, _ in runs]
    rss = [r / 1024 for _, r in runs]
    print(f"venv {venv}: {du_mb(venv):.0f} MB on disk, {len(packages)} packages, spaCy model: {model or 'none'}")
    print(f"worker start-up to ready: median {statistics.median(seconds):.2f} s "
          f"(runs: {', '.join(f'{s:.2f}' for s in seconds)})")
    print(f"worker RSS when ready: median {statistics.median(rss):.0f} MB (runs: {', '.join(f'{r:.0f}' for r in rss)})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
