"""Reading adapter settings from the environment. Errors name the variable, never its value."""

from __future__ import annotations

import os
from typing import Mapping


def environ_of(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def text(environ: Mapping[str, str], name: str) -> str | None:
    """The stripped value, or None when unset or blank."""
    value = (environ.get(name) or "").strip()
    return value or None


def number(
    environ: Mapping[str, str],
    name: str,
    default: float,
    minimum: float = 0.0,
    *,
    error: type[ValueError] = ValueError,
    expected: str = "a number",
) -> float:
    """A float setting; ``error`` (the platform's config error) when malformed or below ``minimum``."""
    raw = text(environ, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise error(f"{name} must be {expected}") from None
    if value < minimum:
        raise error(f"{name} must be at least {minimum:g}")
    return value
