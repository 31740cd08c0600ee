"""Shared fixtures: a real SMTP server on loopback; the shipped rules and a scanner built on them
(modules that need other rules define their own ``rules``)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bridge.rules import Rules, load_rules
from bridge.scanner import Scanner
from tests.support.smtp import SmtpSink

SHIPPED_RULES = Path(__file__).resolve().parents[1] / "rules.yaml"


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules(SHIPPED_RULES)


@pytest.fixture(scope="session")
def scanner(rules: Rules) -> Scanner:
    return Scanner(rules)


@pytest.fixture()
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture(scope="module")
def smtp_module() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()


def _loopback_only() -> None:
    """Fail loudly if anything in the test process tries to reach beyond loopback."""
    import ipaddress
    import socket

    original = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:  # type: ignore[override]
        if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            host = str(address[0])
            try:
                allowed = ipaddress.ip_address(host).is_loopback
            except ValueError:
                allowed = host == "localhost"
            if not allowed:
                raise OSError(f"test tried to reach {host}: only loopback is allowed")
        original(self, address)  # type: ignore[arg-type]

    socket.socket.connect = connect  # type: ignore[method-assign]


_loopback_only()
