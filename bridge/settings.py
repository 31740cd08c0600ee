"""The one settings object: read once from the environment by the CLI, then passed down.

Each part has its section (``web``, ``rules``, ``state``, ``queue``, ``jobs``, ``extract``,
``mail``, ``log``, ``subject``) and each platform has one, declared by its package under ``adapters/``
(``SETTINGS``, a ``PlatformSection``). A field names its environment variable through its
alias; README's configuration table lists every one (a test compares them).

Secrets are ``SecretStr``: printing the settings shows ``**********``; the value is had
only through ``get_secret_value()`` where it is used. Errors name the variable and the
fix, never the value (it may be a secret).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from typing_extensions import Self

__all__ = ["ConfigError", "PlatformSection", "SecretStr", "Section", "Settings", "load_settings"]


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


MODES = ("monitor", "enforce")

# Worker threads mostly wait (platform API, SMTP, deletion-job polls, the OCR child), so a
# few threads keep one slow deletion from holding up the tickets behind it; the models are
# loaded once per process and shared, and OCR children are capped separately.
DEFAULT_WORKERS = 4


def env(name: str, default: Any = None, **constraints: Any) -> Any:
    """A field read from the environment variable ``name``."""
    return Field(default, validation_alias=name, **constraints)


class Section(BaseModel):
    """One part's settings. Unknown variables are ignored; blank ones count as unset."""

    model_config = ConfigDict(frozen=True, extra="ignore", validate_default=True)

    @classmethod
    def variables(cls) -> list[str]:
        return [str(f.validation_alias) for f in cls.model_fields.values() if f.validation_alias]

    @classmethod
    def read(cls, environ: Mapping[str, str]) -> Self:
        values = {name: environ[name].strip() for name in cls.variables() if (environ.get(name) or "").strip()}
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise ConfigError(_first_error(exc)) from None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors(include_input=False, include_url=False)[0]
    name = ".".join(str(part) for part in error.get("loc", ())) or "a setting"
    kind = error.get("type", "")
    if kind.startswith("int_") or kind == "int_parsing":
        expected = "a whole number"
    elif kind.startswith("float_"):
        expected = "a number"
    else:
        expected = None
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        return f"{name} must be {ctx.get('expected', 'one of the documented values')}"
    if kind == "value_error":
        return f"{name} {str(error.get('msg', '')).removeprefix('Value error, ')}"
    if "ge" in ctx or "le" in ctx:
        bound = f"at least {ctx['ge']}" if "ge" in ctx else f"at most {ctx['le']}"
        return f"{name} must be {bound}"
    if expected:
        return f"{name} must be {expected}"
    return f"{name}: {error.get('msg', 'invalid value')} (fix the variable and start again)"


class WebSection(Section):
    port: int = env("PORT", 8080, ge=1, le=65535)
    host: str = env("HOST", "127.0.0.1")
    public_url: str | None = env("BRIDGE_PUBLIC_URL")
    max_body_bytes: int = env("BRIDGE_MAX_BODY_BYTES", 1_000_000, ge=1)
    max_concurrent_requests: int = env("BRIDGE_MAX_CONCURRENT_REQUESTS", 256, ge=1)
    body_timeout_seconds: float = env("BRIDGE_BODY_TIMEOUT_SECONDS", 5.0, gt=0)
    status_token: SecretStr | None = env("BRIDGE_STATUS_TOKEN")
    metrics_port: int | None = env("BRIDGE_METRICS_PORT", None, ge=1, le=65535)
    metrics_host: str = env("BRIDGE_METRICS_HOST", "127.0.0.1")

    @field_validator("status_token", mode="after")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        from bridge.token_gate import MIN_TOKEN_CHARS

        if value is not None and len(value.get_secret_value()) < MIN_TOKEN_CHARS:
            raise ValueError(f"must be at least {MIN_TOKEN_CHARS} characters (make one with: openssl rand -hex 24)")
        return value


class RulesSection(Section):
    path: Path | None = env("BRIDGE_RULES")
    mode: Literal["monitor", "enforce"] | None = env("BRIDGE_MODE")

    @field_validator("mode", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class StateSection(Section):
    data_dir: Path = env("BRIDGE_DATA_DIR", Path("./data"))
    database_url: SecretStr | None = env("BRIDGE_DATABASE_URL")  # may carry a password

    @field_validator("database_url", mode="after")
    @classmethod
    def _database_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
                ("postgresql://", "postgres://", "postgresql+psycopg://", "sqlite:///")):
            raise ValueError("must start with postgresql:// (or be unset for SQLite in the data dir)")
        return value

    @field_validator("data_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.resolve()


class QueueSection(Section):
    url: SecretStr | None = env("BRIDGE_QUEUE_URL")  # may carry a Redis password
    name: str = env("BRIDGE_QUEUE_NAME", "gdpr-bridge")

    @field_validator("url", mode="after")
    @classmethod
    def _scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("sqlite://", "redis://", "rediss://", "unix://")):
            raise ValueError("must start with sqlite:/// or redis://")
        return value


class JobsSection(Section):
    workers: int = env("BRIDGE_WORKERS", DEFAULT_WORKERS, ge=1)
    retries: int = env("BRIDGE_JOB_RETRIES", 8, ge=0)
    retry_delay_seconds: float = env("BRIDGE_RETRY_DELAY_SECONDS", 5.0, ge=0)
    # a live job renews its lease every quarter of this; a dead worker's job is taken over after it
    lease_seconds: float = env("BRIDGE_LEASE_SECONDS", 120.0, ge=1)
    host_id: str | None = env("BRIDGE_HOST_ID")  # this host's name in job leases (default: the hostname)
    delivery_memory_hours: int = env("BRIDGE_DELIVERY_MEMORY_HOURS", 72, ge=1)


class ExtractSection(Section):
    concurrency: int = env("BRIDGE_EXTRACT_CONCURRENCY", 1, ge=1)


class MailSection(Section):
    smtp_url: SecretStr | None = env("SMTP_URL")  # may carry the SMTP password
    mail_from: str = env("MAIL_FROM", "gdpr-bridge <noreply@localhost>")
    portal_url: str | None = env("BRIDGE_PORTAL_URL")
    org_name: str | None = env("BRIDGE_ORG_NAME")
    templates_dir: Path | None = env("BRIDGE_TEMPLATES_DIR")


class LogSection(Section):
    format: Literal["json", "text"] | None = env("BRIDGE_LOG_FORMAT")
    level: str = env("BRIDGE_LOG_LEVEL", "INFO")


class SubjectSection(Section):
    # the key of the keyed hash (HMAC-SHA256) that stands for an address in the audit
    hash_key: SecretStr | None = env("BRIDGE_SUBJECT_HASH_KEY")

    @field_validator("hash_key", mode="after")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters (e.g. `openssl rand -hex 32`)")
        return value


class RetentionSection(Section):
    # how often the periodic task enforces (or, in monitor mode, reports) the retention rules; 0: never
    interval_hours: float = env("BRIDGE_RETENTION_INTERVAL_HOURS", 24.0, ge=0)


class PlatformSection(Section):
    """A platform's settings, declared by its package (``adapters/<name>/``, ``SETTINGS``).

    The core does not interpret them: the platform's ``from_env`` gets them back as a
    mapping (``environ()``) and validates them with its own errors.
    """

    def environ(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if value is None or not field.validation_alias:
                continue
            out[str(field.validation_alias)] = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        return out

    def configured(self) -> bool:
        return bool(self.environ())


def _platform_sections(environ: Mapping[str, str]) -> dict[str, PlatformSection]:
    from bridge.platform import platform_names, platform_package

    sections: dict[str, PlatformSection] = {}
    for name in platform_names():
        declared = getattr(platform_package(name), "SETTINGS", None)
        if declared is None:
            continue
        section = declared.read(environ)
        assert isinstance(section, PlatformSection)
        sections[name] = section
    return sections


class Settings(BaseModel):
    """Everything the bridge is told from outside, read once (``load_settings``)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    web: WebSection
    rules: RulesSection
    state: StateSection
    queue: QueueSection
    jobs: JobsSection
    extract: ExtractSection
    mail: MailSection
    log: LogSection
    platforms: dict[str, PlatformSection]
    subject: SubjectSection = SubjectSection()
    retention: RetentionSection = RetentionSection()

    # -- derived values the parts ask for -------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.state.data_dir

    @property
    def state_db(self) -> Path:
        return self.state.data_dir / "bridge.db"

    @property
    def state_url(self) -> str:
        """Where audit, jobs, delivery memory and cursors live: BRIDGE_DATABASE_URL, else SQLite."""
        if self.state.database_url is not None:
            return self.state.database_url.get_secret_value()
        return f"sqlite:///{self.state_db}"

    @property
    def queue_url(self) -> str:
        if self.queue.url is not None:
            return self.queue.url.get_secret_value()
        return f"sqlite:///{self.state.data_dir / 'queue.db'}"

    @property
    def rules_path(self) -> Path | None:
        return self.rules.path

    def mode(self, rules_mode: str) -> str:
        """``BRIDGE_MODE`` when set, else what the rules file says."""
        return self.rules.mode or rules_mode

    def platform_environ(self, name: str | None = None) -> dict[str, str]:
        """The platform's own variables (all platforms' when ``name`` is None), for ``from_env``."""
        if name is not None:
            section = self.platforms.get(name)
            return section.environ() if section is not None else {}
        merged: dict[str, str] = {}
        for section in self.platforms.values():
            merged.update(section.environ())
        return merged

    # -- kept for the web app (bridge/app.py, bridge/status.py) -----------------------
    @property
    def mode_override(self) -> str | None:
        return self.rules.mode

    @property
    def max_body_bytes(self) -> int:
        return self.web.max_body_bytes

    @property
    def max_concurrent_requests(self) -> int:
        return self.web.max_concurrent_requests

    @property
    def status_token(self) -> str | None:
        token = self.web.status_token
        return token.get_secret_value() if token is not None else None

    @property
    def public_url(self) -> str | None:
        return self.web.public_url

    @property
    def host(self) -> str:
        return self.web.host

    @property
    def port(self) -> int:
        return self.web.port

    @property
    def workers(self) -> int:
        return self.jobs.workers

    @property
    def queue_name(self) -> str:
        return self.queue.name

    @property
    def delivery_memory_hours(self) -> int:
        return self.jobs.delivery_memory_hours

    @property
    def extract_concurrency(self) -> int:
        return self.extract.concurrency

    def sections(self) -> Iterator[tuple[str, BaseModel]]:
        for name in ("web", "rules", "state", "queue", "jobs", "extract", "mail", "log", "subject", "retention"):
            yield name, getattr(self, name)
        for name, section in sorted(self.platforms.items()):
            yield name, section


CORE_SECTIONS: tuple[type[Section], ...] = (WebSection, RulesSection, StateSection, QueueSection, JobsSection,
                                            ExtractSection, MailSection, LogSection, SubjectSection, RetentionSection)


def all_variables() -> list[str]:
    """Every environment variable the bridge reads, core and platforms (README's table)."""
    from bridge.platform import platform_names, platform_package

    names = [v for section in CORE_SECTIONS for v in section.variables()]
    for platform in platform_names():
        declared = getattr(platform_package(platform), "SETTINGS", None)
        if declared is not None:
            names.extend(declared.variables())
    return names


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read every section from ``environ`` (the process environment by default), once."""
    source: Mapping[str, str] = os.environ if environ is None else environ
    return Settings(
        web=WebSection.read(source),
        rules=RulesSection.read(source),
        state=StateSection.read(source),
        queue=QueueSection.read(source),
        jobs=JobsSection.read(source),
        extract=ExtractSection.read(source),
        mail=MailSection.read(source),
        log=LogSection.read(source),
        platforms=_platform_sections(source),
        subject=SubjectSection.read(source),
        retention=RetentionSection.read(source),
    )
