"""Reading the Jira adapter's settings from the environment, with errors that name the fix."""

from __future__ import annotations

from typing import Mapping

from ..common.env import environ_of, text
from ..common.env import number as read_number

__all__ = ["JiraConfigError", "environ_of", "number", "require", "text"]


class JiraConfigError(ValueError):
    """A Jira setting is missing or malformed. The message names the variable, never its value."""


def require(environ: Mapping[str, str], *names: str) -> list[str]:
    missing = [name for name in names if not text(environ, name)]
    if missing:
        raise JiraConfigError(f"Jira is not configured: set {', '.join(missing)}")
    return [text(environ, name) or "" for name in names]


def number(environ: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    return read_number(environ, name, default, minimum, error=JiraConfigError, expected="a number of seconds")
