"""Parameter types and helpers shared by the commands.

Every command module imports from here, never from ``bridge.cli``: the root command
imports the command modules, so nothing below it may import the root.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bridge.settings import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from bridge.runtime import Runtime

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class Duration(timedelta):
    """A ``timedelta`` that prints as it was written (``7d``), for messages."""

    text: str

    def __new__(cls, seconds: int, text: str) -> "Duration":
        self = super().__new__(cls, seconds=seconds)
        self.text = text
        return self

    def __str__(self) -> str:
        return self.text


def parse_duration(value: str) -> Duration:
    """``90s``, ``30m``, ``2h``, ``7d``, ``1w``."""
    match = _DURATION.match(value)
    if not match:
        raise click.BadParameter(f"{value!r} is not a duration like 30m, 2h or 7d")
    return Duration(int(match.group(1)) * _UNITS[match.group(2)], f"{match.group(1)}{match.group(2)}")


class DurationType(click.ParamType):  # type: ignore[type-arg]  # generic only in click's stubs
    """A length of time written as a number and a unit: 90s, 30m, 2h, 7d, 1w."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Duration:
        if isinstance(value, Duration):
            return value
        try:
            return parse_duration(str(value))
        except click.BadParameter as exc:
            self.fail(exc.message, param, ctx)


class PlatformType(click.ParamType):  # type: ignore[type-arg]
    """A platform name from the registry (``bridge.platform``), checked when the command runs."""

    name = "platform"

    def _names(self) -> list[str]:
        from bridge.platform import platform_names

        return platform_names()

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self._names()) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        name = str(value).strip().lower()
        names = self._names()
        if name not in names:
            self.fail(f"unknown platform {value!r}; choose one of: {', '.join(names)}", param, ctx)
        return name


DURATION = DurationType()
PLATFORM = PlatformType()
RULES_FILE = click.Path(dir_okay=False, path_type=Path)
EXISTING_DIR = click.Path(exists=True, file_okay=False, path_type=Path)
OUTPUT_FILE = click.Path(dir_okay=False, writable=True, path_type=Path)


def _root_state() -> dict[str, Any]:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    if root is None:
        return {}
    if not isinstance(root.obj, dict):
        root.obj = {}
    return root.obj


def settings_or_exit() -> Settings:
    """The settings, read once per command line; a wrong one is a one-line error and exit 1."""
    state = _root_state()
    if "settings" not in state:
        try:
            state["settings"] = load_settings()
        except ConfigError as exc:
            raise click.ClickException(f"{exc}") from None
    settings: Settings = state["settings"]
    return settings


def runtime_or_exit() -> "Runtime":
    """The queue, job store and services of this process, built once from the settings."""
    from bridge.runtime import Runtime

    state = _root_state()
    if "runtime" not in state:
        try:
            state["runtime"] = Runtime(settings_or_exit())
        except ConfigError as exc:
            raise click.ClickException(f"{exc}") from None
    runtime: Runtime = state["runtime"]
    return runtime


def start_logging() -> None:
    """Log as the settings' ``log`` section says."""
    from bridge.logs import setup_logging

    log = settings_or_exit().log
    setup_logging(log.level, log.format)


def data_or_exit(settings: Settings) -> None:
    """Read commands (report, audit, deadletters, redecide) need the bridge's data: from a
    folder without it they say so, instead of creating an empty ``./data`` and reporting 0."""
    if getattr(settings.state, "database_url", None):  # a shared database, not a file in the data folder
        return
    if not settings.state_db.is_file():
        raise click.ClickException(
            f"no bridge data in {settings.data_dir} (no bridge.db there): run this where the bridge runs,"
            " or set BRIDGE_DATA_DIR to its data folder"
        )
