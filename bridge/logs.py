"""Logging: JSON lines in production, readable lines on a terminal.

Records carry ids, kinds and counts in ``extra`` fields; never ticket text, names,
addresses, webhook bodies or secrets. Third-party loggers that may print request
or response bodies are held at WARNING.
"""

from __future__ import annotations

import contextvars
import logging
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from pythonjsonlogger.json import JsonFormatter

from bridge.queue_outage import QUEUE_OUTAGE

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName"}


class DropColourFields(logging.Filter):
    """uvicorn adds ``color_message`` with terminal escape codes; it repeats ``message``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.__dict__.pop("color_message", None)
        return True
_JOB: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("bridge_job", default=None)


@contextmanager
def job_context(**fields: Any) -> Iterator[None]:
    """Every record logged inside (by any module, in this thread) carries these fields:
    the job id, platform and ticket id, so all lines of one job can be found together."""
    token = _JOB.set({k: v for k, v in fields.items() if v is not None})
    try:
        yield
    finally:
        _JOB.reset(token)


class JobFields(logging.Filter):
    """Adds the current job's fields to records that do not carry them already."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_JOB.get() or {}).items():
            record.__dict__.setdefault(key, value)
        return True


QUIET_LOGGERS = ("urllib3", "requests", "httpx", "httpcore", "zenpy", "jira", "presidio-analyzer", "uvicorn.access")


PERIODIC_TASKS = ("housekeeping", "bridge.tasks.retention")  # huey's INFO lines about them become DEBUG


class QuietHousekeeping(logging.Filter):
    """huey logs every run of a periodic task at INFO ("Executing ...housekeeping", "... executed
    in", "Enqueueing periodic task"): once a minute, saying nothing. Those become DEBUG; the
    housekeeping task itself logs at INFO only when it did something."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.name.startswith("huey") and record.levelno == logging.INFO and any(
                name in message for name in PERIODIC_TASKS):
            if not logging.getLogger().isEnabledFor(logging.DEBUG):
                return False
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


class ReadableFormatter(logging.Formatter):
    """``12:00:01 INFO bridge.tasks job done platform=zendesk ticket_id=12``."""

    def format(self, record: logging.LogRecord) -> str:
        base = f"{self.formatTime(record, '%H:%M:%S')} {record.levelname:<7} {record.name} {record.getMessage()}"
        extras = " ".join(f"{k}={v}" for k, v in record.__dict__.items() if k not in _STANDARD and v is not None)
        return f"{base} {extras}".rstrip()


def setup_logging(level: str | None = None, fmt: str | None = None) -> None:
    """Log lines to stderr, as JSON (or readable text on a terminal); ``level`` and ``fmt``
    come from the settings' ``log`` section."""
    fmt = fmt or ("text" if sys.stderr.isatty() else "json")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(DropColourFields())
    handler.addFilter(JobFields())
    handler.addFilter(QuietHousekeeping())
    handler.addFilter(QUEUE_OUTAGE)  # huey's ten lines a second while Redis is down: one a minute
    if fmt == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    else:
        handler.setFormatter(ReadableFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel((level or "INFO").upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # huey logs unhandled task exceptions with their traceback; our tasks raise only safe errors.
