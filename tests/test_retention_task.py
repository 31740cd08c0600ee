"""The periodic retention task (``bridge.tasks.run_retention``, every 15 minutes on the worker):
it runs the rules when BRIDGE_RETENTION_INTERVAL_HOURS has passed since the last completed run,
only reports in monitor mode, skips while another run holds the lock, and is off at 0."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from bridge.db import open_database
from bridge.retention.lock import RunLock
from bridge.retention.service import run_periodic
from bridge.settings import load_settings
from tests.test_retention_cli import Zendesk, rules_file


@pytest.fixture
def zendesk() -> Iterator[Any]:
    harness = Zendesk()
    try:
        yield harness
    finally:
        harness.stop()


def settings(tmp_path: Path, zendesk: Any, **extra: str) -> Any:
    env = {**zendesk.env(), "BRIDGE_DATA_DIR": str(tmp_path / "data"), "BRIDGE_RULES": str(rules_file(tmp_path, zendesk)),
           **extra}
    return load_settings(env)


def test_enforce_mode_deletes_once_then_waits_for_the_interval(tmp_path, zendesk) -> None:
    doomed = [zendesk.expired() for _ in range(3)]
    young = zendesk.young()
    config = settings(tmp_path, zendesk, BRIDGE_MODE="enforce")
    assert run_periodic(config) == "ran"
    assert all(zendesk.erased(t) for t in doomed) and zendesk.exists(young)
    later = zendesk.expired()
    assert run_periodic(config) == "not due"
    assert zendesk.exists(later)
    assert run_periodic(config, now=time.time() + 24 * 3600 + 60) == "ran"
    assert zendesk.erased(later) and zendesk.exists(young)


def test_monitor_mode_only_reports(tmp_path, zendesk) -> None:
    doomed = zendesk.expired()
    assert run_periodic(settings(tmp_path, zendesk)) == "ran"
    assert zendesk.exists(doomed) and zendesk.deletions(doomed) == 0


def test_it_skips_while_another_run_holds_the_lock_and_is_off_at_0(tmp_path, zendesk) -> None:
    doomed = zendesk.expired()
    config = settings(tmp_path, zendesk, BRIDGE_MODE="enforce")
    held: list[RunLock] = []
    holder = threading.Thread(target=lambda: held.append(RunLock(open_database(config.state_url), 60)))
    holder.start()
    holder.join()
    lock = held[0]  # another thread's lock: another owner
    lock.acquire()
    try:
        assert run_periodic(config) == "busy"
    finally:
        lock.release()
    assert zendesk.exists(doomed)
    assert run_periodic(settings(tmp_path, zendesk, BRIDGE_MODE="enforce",
                                 BRIDGE_RETENTION_INTERVAL_HOURS="0")) == "off"
    assert run_periodic(config, now=time.time() + 2 * 3600) == "ran" and zendesk.erased(doomed)


def test_without_retention_rules_the_task_does_nothing(tmp_path, zendesk) -> None:
    config = load_settings({**zendesk.env(), "BRIDGE_DATA_DIR": str(tmp_path / "data"), "BRIDGE_MODE": "enforce",
                            "BRIDGE_RULES": str(Path(__file__).resolve().parents[1] / "rules.yaml")})
    doomed = zendesk.expired()
    assert run_periodic(config) == "no rules"
    assert zendesk.exists(doomed) and not zendesk.fake.searches
