"""The platforms every contract test runs on: the fake Zendesk and the fake Jira (real
HTTP on 127.0.0.1 through the real adapters) and the in-memory platform."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from tests.contract import harnesses

ALL = {"zendesk": harnesses.zendesk_harness, "jira": harnesses.jira_harness, "memory": harnesses.memory_harness}
HTTP = ("zendesk", "jira")


@pytest.fixture(autouse=True)
def _restore_zenpy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Zendesk adapter points zenpy at the fake through process-wide variables: undo them."""
    monkeypatch.delenv("ZENPY_FORCE_NETLOC", raising=False)
    monkeypatch.delenv("ZENPY_FORCE_SCHEME", raising=False)


def _run(name: str) -> Iterator[Any]:
    harness_iter = ALL[name]()
    harness = next(harness_iter)
    yield harness
    left = harness.pending_faults()
    harness_iter.close()
    assert left == 0, "a test injected faults the platform never met"


@pytest.fixture(params=sorted(ALL))
def every(request: pytest.FixtureRequest) -> Iterator[harnesses.Harness]:
    """Each platform in turn."""
    yield from _run(request.param)


@pytest.fixture(params=HTTP)
def over_http(request: pytest.FixtureRequest) -> Iterator[harnesses.HttpHarness]:
    """The platforms that speak HTTP (redirects and credentials mean something there)."""
    yield from _run(request.param)
