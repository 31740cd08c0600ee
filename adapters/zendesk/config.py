"""The Zendesk adapter's settings, read once from the environment.

Errors name the variable to set and never echo a value (they may be logged).
``ZENDESK_URL`` (e.g. ``http://127.0.0.1:8081``) replaces ``https://<subdomain>.zendesk.com``
for tests and proxies; zenpy only honours such an override through its process-wide
``ZENPY_FORCE_SCHEME`` / ``ZENPY_FORCE_NETLOC`` variables, so ``apply_zenpy_override``
sets those (one Zendesk account per process is the bridge's model anyway).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Mapping
from urllib.parse import urlsplit

from bridge.settings import PlatformSection, SecretStr, env

from ..common.env import environ_of, text
from ..common.env import number as read_number
from .errors import RetryPolicy

_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class ZendeskConfigError(ValueError):
    """A Zendesk setting is missing or malformed. The message names the variable, never its value."""


def number(environ: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    return read_number(environ, name, default, minimum, error=ZendeskConfigError)


def subdomain_of(raw: str) -> str:
    """Accept ``acme``, ``acme.zendesk.com`` or ``https://acme.zendesk.com/``."""
    host = urlsplit(raw if "//" in raw else f"//{raw}").hostname or ""
    name = host.split(".", 1)[0].lower()
    if not _SUBDOMAIN.match(name):
        raise ZendeskConfigError("ZENDESK_SUBDOMAIN must be your account's subdomain, e.g. 'acme' for acme.zendesk.com")
    return name


def base_url_of(raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/") or parts.query:
        raise ZendeskConfigError("ZENDESK_URL must be a scheme and host only, e.g. http://127.0.0.1:8081")
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class ZendeskSettings:
    subdomain: str
    email: str
    token: str = field(repr=False)
    base_url: str  # where the API lives, without /api/v2
    overridden: bool = False  # base_url came from ZENDESK_URL
    timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    job_timeout: float = 120.0  # how long delete_ticket waits for the permanent-deletion job
    job_poll: float = 0.25  # first pause between job polls (doubles, at most 5 s)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "ZendeskSettings":
        env = environ_of(environ)
        override = text(env, "ZENDESK_URL")
        base = base_url_of(override) if override else None
        forced = os.environ.get("ZENPY_FORCE_NETLOC")
        if base is None and forced:  # zenpy would go there anyway: make our own requests follow
            base = base_url_of(f"{os.environ.get('ZENPY_FORCE_SCHEME') or 'https'}://{forced}")
        raw_subdomain = text(env, "ZENDESK_SUBDOMAIN")
        if raw_subdomain is None and base is not None:
            raw_subdomain = "local"  # zenpy insists on one; ZENDESK_URL decides where requests go
        missing = [
            name
            for name, value in (
                ("ZENDESK_SUBDOMAIN", raw_subdomain),
                ("ZENDESK_EMAIL", text(env, "ZENDESK_EMAIL")),
                ("ZENDESK_API_TOKEN", text(env, "ZENDESK_API_TOKEN")),
            )
            if not value
        ]
        if missing:
            raise ZendeskConfigError(f"Zendesk is not configured: set {', '.join(missing)}")
        subdomain = subdomain_of(raw_subdomain or "")
        retry = RetryPolicy(
            attempts=int(number(env, "ZENDESK_RETRY_ATTEMPTS", 4, minimum=1)),
            base_wait=number(env, "ZENDESK_RETRY_BASE_SECONDS", 0.5),
            max_wait=number(env, "ZENDESK_RETRY_MAX_SECONDS", 30.0),
        )
        return cls(
            subdomain=subdomain,
            email=text(env, "ZENDESK_EMAIL") or "",
            token=text(env, "ZENDESK_API_TOKEN") or "",
            base_url=base or f"https://{subdomain}.zendesk.com",
            overridden=base is not None,
            timeout=number(env, "ZENDESK_TIMEOUT_SECONDS", 30.0, minimum=0.05),
            retry=retry,
            job_timeout=number(env, "ZENDESK_JOB_TIMEOUT_SECONDS", 120.0),
            job_poll=number(env, "ZENDESK_JOB_POLL_SECONDS", 0.25, minimum=0.01),
        )

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def apply_zenpy_override(self) -> None:
        """Point zenpy at ``base_url`` (zenpy reads these two variables on every request)."""
        if self.overridden:
            parts = urlsplit(self.base_url)
            os.environ["ZENPY_FORCE_SCHEME"] = parts.scheme
            os.environ["ZENPY_FORCE_NETLOC"] = parts.netloc


class ZendeskSection(PlatformSection):
    """Zendesk's variables in the bridge's settings (validated by ``ZendeskSettings.from_env``)."""

    subdomain: str | None = env("ZENDESK_SUBDOMAIN")
    email: str | None = env("ZENDESK_EMAIL")
    api_token: SecretStr | None = env("ZENDESK_API_TOKEN")
    webhook_secret: SecretStr | None = env("ZENDESK_WEBHOOK_SECRET")
    webhook_accept_test_secret: str | None = env("ZENDESK_WEBHOOK_ACCEPT_TEST_SECRET")
    url: str | None = env("ZENDESK_URL")
    timeout_seconds: str | None = env("ZENDESK_TIMEOUT_SECONDS")
    retry_attempts: str | None = env("ZENDESK_RETRY_ATTEMPTS")
    retry_base_seconds: str | None = env("ZENDESK_RETRY_BASE_SECONDS")
    retry_max_seconds: str | None = env("ZENDESK_RETRY_MAX_SECONDS")
    job_timeout_seconds: str | None = env("ZENDESK_JOB_TIMEOUT_SECONDS")
    job_poll_seconds: str | None = env("ZENDESK_JOB_POLL_SECONDS")
