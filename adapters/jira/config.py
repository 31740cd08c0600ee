"""Reading the Jira adapter's settings from the environment, with errors that name the fix."""

from __future__ import annotations

from typing import Mapping

from bridge.settings import PlatformSection, SecretStr, env

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


class JiraSection(PlatformSection):
    """Jira's variables in the bridge's settings (validated by the platform's and webhook's ``from_env``)."""

    url: str | None = env("JIRA_URL")
    email: str | None = env("JIRA_EMAIL")
    api_token: SecretStr | None = env("JIRA_API_TOKEN")
    webhook_secret: SecretStr | None = env("JIRA_WEBHOOK_SECRET")
    shared_secret: SecretStr | None = env("JIRA_SHARED_SECRET")
    shared_secret_header: str | None = env("JIRA_SHARED_SECRET_HEADER")
    scope_jql: str | None = env("JIRA_SCOPE_JQL")
    rest_api_version: str | None = env("JIRA_REST_API_VERSION")
    settle_seconds: str | None = env("JIRA_SETTLE_SECONDS")
    timeout_seconds: str | None = env("JIRA_TIMEOUT_SECONDS")
