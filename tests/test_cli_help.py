"""Every command and every option of ``gdpr-bridge`` says what it does in ``--help``."""

from __future__ import annotations

import subprocess
import sys
from typing import Iterator

import click

from bridge.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in group.commands.items():
        path = prefix + (name,)
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


def test_every_command_and_option_has_a_help_text() -> None:
    missing = []
    for path, command in _commands(cli):
        if not (command.help or "").strip():
            missing.append(" ".join(path))
        for param in command.params:
            if isinstance(param, click.Option) and not (param.help or "").strip():
                missing.append(f"{' '.join(path)} {param.opts[0]}")
    assert not missing, f"no help text: {missing}"


def test_help_of_subcommands_prints_through_the_real_cli() -> None:
    for args in (["audit", "export"], ["deadletters", "list"], ["deadletters", "retry"], ["rules", "check"]):
        run = subprocess.run([sys.executable, "-m", "bridge.cli", *args, "--help"], capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr
        usage, _, rest = run.stdout.partition("\n\n")
        assert usage.startswith("Usage:") and rest.strip() and not rest.lstrip().startswith("Options:")
