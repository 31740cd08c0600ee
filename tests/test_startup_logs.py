"""What the processes say: one start-up line with what they run on; a housekeeping run that
did nothing says nothing at INFO; ``sweep`` prints its summary once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.zendesk_server import FakeZendesk
from tests.support.bridge_process import BridgeProcess

ROOT = Path(__file__).resolve().parents[1]


def json_lines(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def test_worker_logs_mode_rules_data_folder_and_platforms_at_start(tmp_path: Path) -> None:
    with FakeZendesk() as zendesk:
        worker = BridgeProcess(tmp_path, {**zendesk.env(), "BRIDGE_MODE": "enforce", "SMTP_URL": ""},
                               command=("worker",)).start(timeout=240)
        worker.stop()
    records = json_lines(worker.log_path.read_text())
    [start] = [r for r in records if r.get("message") == "gdpr-bridge starting"]
    assert start["command"] == "worker" and start["mode"] == "enforce"
    assert start["rules_file"] == str((tmp_path / "rules.yaml").resolve())
    assert len(start["rules_version"]) == 12
    assert start["data_folder"] == str(tmp_path.resolve()) and start["platforms"] == "zendesk"
    [warning] = [r for r in records if "without SMTP_URL" in r.get("message", "")]
    assert warning["levelname"] == "WARNING" and warning["outbox"] == str(tmp_path.resolve() / "outbox")


def test_housekeeping_that_did_nothing_logs_nothing_at_info(tmp_path: Path) -> None:
    script = """
import logging
from bridge.logs import setup_logging
from bridge.runtime import Runtime
from bridge.settings import load_settings
from bridge.tasks import run_housekeeping

setup_logging("INFO", "json")
runtime = Runtime(load_settings())
logging.getLogger("huey").info("Executing %s", "bridge.tasks.housekeeping: 0f3c")
logging.getLogger("huey").info("%s executed in %0.3fs", "bridge.tasks.housekeeping: 0f3c", 0.01)
logging.getLogger("huey.consumer.Scheduler").info("Enqueueing periodic task %s.", "bridge.tasks.housekeeping")
run_housekeeping(runtime)
logging.getLogger("huey").info("Executing %s", "bridge.tasks.process: 1a2b")
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIDGE_", "ZENDESK_", "JIRA_"))}
    env.update({"PYTHONPATH": str(ROOT), "BRIDGE_DATA_DIR": str(tmp_path / "data"),
                "BRIDGE_RULES": str(ROOT / "rules.yaml")})
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr
    # a fresh data folder is migrated (that is something done); then only the job shows
    messages = [r["message"] for r in json_lines(run.stderr) if r["message"] != "state database migrated"]
    assert messages == ["Executing bridge.tasks.process: 1a2b"], messages

    env["BRIDGE_LOG_LEVEL"] = "DEBUG"
    run = subprocess.run([sys.executable, "-c", script.replace('"INFO"', '"DEBUG"')], env=env, capture_output=True,
                         text=True, timeout=240)
    debug = [r for r in json_lines(run.stderr) if "housekeeping" in r.get("message", "")]
    assert len(debug) == 3 and {r["levelname"] for r in debug} == {"DEBUG"}


def test_sweep_prints_its_summary_once(tmp_path: Path) -> None:
    with FakeZendesk() as zendesk:
        zendesk.add_ticket("Rota export", "The export fails with E-4412.", requester={"name": "Ann", "email": "a@x.example"})
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIDGE_", "ZENDESK_", "JIRA_"))}
        env.update({**zendesk.env(), "PYTHONPATH": str(ROOT), "BRIDGE_DATA_DIR": str(tmp_path / "data"),
                    "BRIDGE_RULES": str(ROOT / "rules.yaml"), "BRIDGE_LOG_FORMAT": "json"})
        run = subprocess.run([sys.executable, "-m", "bridge.cli", "sweep", "zendesk", "--since", "2h"], env=env,
                             cwd=tmp_path, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["zendesk: 1 tickets created in the last 2h, 1 queued (no audit record)"]
    assert not [r for r in json_lines(run.stderr) if r.get("message") == "sweep"]  # not said twice
