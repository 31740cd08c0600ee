"""The state suite's PostgreSQL half never goes quietly untested: with CI=true a missing
server is an error; on a developer's machine it is a skip that says why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


def run_one_postgres_test(ci: str) -> subprocess.CompletedProcess[str]:
    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"  # nothing listens there
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIDGE_TEST_POSTGRES_URL": nowhere, "CI": ci}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                           "tests/state/test_jobs.py", "-k", "exclusive and postgresql", "-rs"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_a_missing_postgres_fails_the_run_in_ci() -> None:
    result = run_one_postgres_test("true")
    assert result.returncode != 0
    assert "in CI the PostgreSQL state tests must run" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1]


def test_a_missing_postgres_is_a_skip_with_the_reason_outside_ci() -> None:
    result = run_one_postgres_test("")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 skipped" in result.stdout and "PostgreSQL at 127.0.0.1" in result.stdout
