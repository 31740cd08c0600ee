"""Reading the Jira adapter's settings from the environment, with errors that name the fix."""

from __future__ import annotations

import os
from typing import Mapping


class JiraConfigError(ValueError):
    """A Jira setting is missing or malformed. The message names the variable, never its value."""


def environ_of(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def text(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "")
    value = value.strip() if value else ""
    return value or None


def require(environ: Mapping[str, str], *names: str) -> list[str]:
    missing = [name for name in names if not text(environ, name)]
    if missing:
        raise JiraConfigError(f"Jira is not configured: set {', '.join(missing)}")
    return [text(environ, name) or "" for name in names]


def number(environ: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = text(environ, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise JiraConfigError(f"{name} must be a number of seconds") from None
    if value < minimum:
        raise JiraConfigError(f"{name} must be at least {minimum:g}")
    return value
