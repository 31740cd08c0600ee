"""The test helper that runs ``gdpr-bridge`` never leaves a process behind when it fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.bridge_process import BridgeProcess


def test_a_bridge_that_is_not_ready_in_time_is_killed(tmp_path: Path) -> None:
    bridge = BridgeProcess(tmp_path, {}, command=("worker",))
    with pytest.raises((TimeoutError, RuntimeError)):
        bridge.start(timeout=0.2)  # still importing its modules: not ready
    assert bridge.proc is not None and bridge.proc.poll() is not None
