"""The command tree: a thin root, every command with help, shared parameter types."""

from __future__ import annotations

from datetime import timedelta

import click
import pytest
from click.testing import CliRunner

from bridge.cli import cli
from bridge.commands.params import DURATION, PLATFORM


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, path + " "))
    return found


def test_every_command_has_a_help_text() -> None:
    missing = [path for path, command in all_commands(cli) if not (command.help or "").strip()]
    assert missing == []


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("gdpr-bridge, version ")


@pytest.mark.parametrize("text, seconds", [("90s", 90), ("30m", 1800), ("2h", 7200), ("7d", 604800), ("1w", 604800)])
def test_duration_reads_number_and_unit(text: str, seconds: int) -> None:
    value = DURATION.convert(text, None, None)
    assert value == timedelta(seconds=seconds)
    assert str(value) == text


@pytest.mark.parametrize("command", [["sweep", "zendesk", "--since", "soon"], ["report", "--since", "7 days"],
                                     ["audit", "export", "--since", "x"]])
def test_a_bad_duration_is_one_line_with_the_accepted_forms(command: list[str]) -> None:
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 2
    assert "is not a duration like 30m, 2h or 7d" in result.output
    assert "Traceback" not in result.output


def test_platform_names_come_from_the_registry() -> None:
    from bridge.platform import platform_names

    for name in platform_names():
        assert PLATFORM.convert(name.upper(), None, None) == name
    with pytest.raises(click.BadParameter, match="unknown platform 'foo'"):
        PLATFORM.convert("foo", None, None)


def test_an_unknown_platform_is_refused_before_anything_runs() -> None:
    result = CliRunner().invoke(cli, ["sweep", "foo"])
    assert result.exit_code == 2
    assert "unknown platform 'foo'; choose one of:" in result.output


def run_cli(tmp_path, monkeypatch, *args: str, **env: str):  # type: ignore[no-untyped-def]
    """The command in a fresh environment (only what is given), from ``tmp_path``."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    full = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "BRIDGE_DATA_DIR": str(tmp_path / "data"),
            "BRIDGE_RULES": str(root / "rules.yaml"), **env}
    return subprocess.run([sys.executable, "-m", "bridge.cli", *args], env=full, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)


def assert_one_line_error(result, *expected: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("{")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "Error:" in lines[0] and "hint:" in lines[0]
    for name in ("PlatformRejected", "PlatformUnavailable", "RuntimeError", "NotifyError", "ZendeskConfigError"):
        assert name not in result.stderr
    for text in expected:
        assert text in lines[0]


def test_a_wrong_api_token_is_one_line_with_a_hint(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.fakes.zendesk_server import FakeZendesk

    with FakeZendesk() as fake:
        env = fake.env(ZENDESK_API_TOKEN="wrong-token", ZENDESK_RETRY_ATTEMPTS="1")
        result = run_cli(tmp_path, monkeypatch, "sweep", "zendesk", "--since", "1h", **env)
    assert_one_line_error(result, "401", "check")


def test_retrying_a_dead_letter_that_does_not_exist_says_so(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(tmp_path, monkeypatch, "deadletters", "retry", "jira", "SUP-404")
    assert result.returncode == 1
    assert "no dead letter for jira ticket SUP-404" in result.stderr and "deadletters list" in result.stderr
    assert run_cli(tmp_path, monkeypatch, "deadletters", "retry").stdout.strip() == "0 job(s) queued again"
