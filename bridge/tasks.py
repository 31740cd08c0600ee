"""The huey tasks: process a ticket, requeue jobs of dead workers, sweep for lost webhooks.

Payloads are ``(platform, ticket_id)`` only. Exceptions leaving a task are replaced
by ``JobFailed`` carrying a safe reason, because huey logs task exceptions and a
library's error message could quote a response body.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from huey import crontab
from huey.exceptions import RetryTask

from bridge import metrics
from bridge.config import load_settings
from bridge.db import state_database
from bridge.deliveries import DeliveryMemory
from bridge.jobs import JobStore
from bridge.logs import job_context
from bridge.platform import PlatformError, PlatformRejected, PlatformUnavailable, get_platform, platform_names
from bridge.queue import make_huey

if TYPE_CHECKING:  # the web process enqueues without loading the scanner's models
    from bridge.pipeline import Services

log = logging.getLogger(__name__)

SWEPT = "swept"  # audit step: queued by the sweep, its webhook never arrived

MAX_ATTEMPTS = int(os.environ.get("BRIDGE_JOB_RETRIES", "8"))
RETRY_DELAY = float(os.environ.get("BRIDGE_RETRY_DELAY_SECONDS", "5"))

settings = load_settings()
huey = make_huey(settings.queue_url, settings.queue_name)


class JobFailed(Exception):
    """A job attempt failed; the message is safe to log (no personal data)."""


_services: "Services | None" = None
_services_lock = threading.Lock()


def build_services() -> "Services":
    from bridge.analysis import TicketAnalyzer
    from bridge.audit import AuditLog
    from bridge.notify import Notifier
    from bridge.pipeline import Services
    from bridge.rules import load_rules

    rules = load_rules(settings.rules_path)
    db = state_database(settings)
    return Services(
        rules=rules,
        mode=settings.mode(rules.mode),
        analyzer=TicketAnalyzer(rules),
        notifier=Notifier.from_env(data_dir=settings.data_dir),
        audit=AuditLog(db),
        platform_factory=lambda name: get_platform(name),
    )


def services() -> "Services":
    global _services
    with _services_lock:
        if _services is None:
            _services = build_services()
        return _services


_job_store: JobStore | None = None


def job_store() -> JobStore:
    """One store per process (one connection pool per process)."""
    global _job_store
    with _services_lock:
        if _job_store is None:
            _job_store = JobStore(state_database(settings))
        return _job_store


def delivery_memory() -> DeliveryMemory:
    return DeliveryMemory(state_database(settings))


def safe_error(exc: BaseException) -> str:
    """Our own errors carry safe messages; anything else is named by its type only."""
    from bridge.notify import NotifyError

    if isinstance(exc, (PlatformError, NotifyError)):
        return f"{type(exc).__name__}: {exc}"[:300]
    return type(exc).__name__


@huey.task(retries=MAX_ATTEMPTS, retry_delay=RETRY_DELAY, retry_backoff=2.0, context=True)
def process(platform: str, ticket_id: str, task: Any = None) -> str:
    with job_context(job_id=getattr(task, "id", None), platform=platform, ticket_id=ticket_id):
        return _process(platform, ticket_id, task)


def _process(platform: str, ticket_id: str, task: Any) -> str:
    store = job_store()
    claim = store.acquire(platform, ticket_id)
    if claim != "acquired":
        metrics.JOBS.labels(platform, f"skipped_{claim}").inc()
        log.info("job skipped", extra={"platform": platform, "ticket_id": ticket_id, "reason": claim})
        return claim
    from bridge.pipeline import process_ticket

    try:
        with store.heartbeat(platform, ticket_id):
            outcome = process_ticket(services(), platform, ticket_id)
    except Exception as exc:
        reason = safe_error(exc)
        metrics.PLATFORM_ERRORS.labels(platform, type(exc).__name__).inc() if isinstance(exc, PlatformError) else None
        final = task is None or task.retries <= 0 or isinstance(exc, PlatformRejected)
        if final:
            store.dead(platform, ticket_id, reason)
            metrics.JOBS.labels(platform, "dead").inc()
            log.error("job dead", extra={"platform": platform, "ticket_id": ticket_id, "error": reason})
            return "dead"
        store.retrying(platform, ticket_id, reason)
        metrics.JOBS.labels(platform, "retry").inc()
        log.warning("job will retry", extra={"platform": platform, "ticket_id": ticket_id, "error": reason})
        if isinstance(exc, PlatformUnavailable) and exc.retry_after:
            raise RetryTask(delay=exc.retry_after) from None
        raise JobFailed(reason) from None
    store.done(platform, ticket_id)
    metrics.JOBS.labels(platform, "done").inc()
    log.info("job done", extra={"platform": platform, "ticket_id": ticket_id, "outcome": outcome})
    return outcome


def enqueue(platform: str, ticket_id: str) -> None:
    process(platform, ticket_id)


def requeue_stale() -> int:
    """Queue again the jobs whose worker died mid-job (e.g. SIGKILL)."""
    count = 0
    for job in job_store().stale():
        log.warning("requeue stale job", extra={"platform": job.platform, "ticket_id": job.ticket_id})
        enqueue(job.platform, job.ticket_id)
        count += 1
    return count


def retry_dead(platform: str | None = None, ticket_id: str | None = None) -> int:
    store = job_store()
    count = 0
    for job in store.list("dead"):
        if (platform and job.platform != platform) or (ticket_id and job.ticket_id != ticket_id):
            continue
        store.retrying(job.platform, job.ticket_id, f"retried by hand after: {job.last_error}")
        enqueue(job.platform, job.ticket_id)
        count += 1
    return count


@huey.periodic_task(crontab(minute="*"))
def housekeeping() -> None:
    """Every minute: requeue stale jobs, update gauges, forget old delivery ids (hourly)
    and run the sweep when it is due."""
    requeue_stale()
    try:
        metrics.QUEUE_DEPTH.set(huey.pending_count())
        metrics.DEAD_LETTERS.set(job_store().counts().get("dead", 0))
    except Exception:  # gauges are best effort
        pass
    now = datetime.now(timezone.utc)
    minutes = int(now.timestamp() // 60)
    if minutes % 60 == 0:
        forgotten = delivery_memory().forget(settings.delivery_memory_hours * 3600.0)
        log.info("delivery ids forgotten", extra={"count": forgotten, "hours": settings.delivery_memory_hours})
    rules = services().rules
    interval = rules.sweep.interval_minutes
    if interval <= 0 or minutes % interval:
        return
    for name in configured_platforms():
        try:
            sweep(name, timedelta(minutes=rules.sweep.window_minutes))
        except PlatformError as exc:
            log.warning("sweep failed", extra={"platform": name, "error": safe_error(exc)})


def configured_platforms() -> list[str]:
    """Platforms whose client can be built from the environment (credentials present)."""
    names = []
    for name in platform_names():
        try:
            services().platform(name)
        except Exception:  # not configured here
            continue
        names.append(name)
    return names


def sweep(platform: str, window: timedelta, progress: Any = None) -> tuple[int, int]:
    """Queue tickets created within ``window`` that have no audit record. Returns (seen, queued)."""
    audit = services().audit
    since = datetime.now(timezone.utc) - window
    seen = queued = 0
    for ticket_id in services().platform(platform).created_since(since):
        seen += 1
        if not audit.has_record(platform, ticket_id) and job_store().get(platform, ticket_id) is None:
            enqueue(platform, ticket_id)
            audit.record_step(platform, ticket_id, SWEPT)
            queued += 1
        if progress is not None:
            progress.update(1)
    log.info("sweep", extra={"platform": platform, "seen": seen, "queued": queued})
    return seen, queued
