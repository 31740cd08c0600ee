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
