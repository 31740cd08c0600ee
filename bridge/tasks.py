"""The queued jobs: process a ticket, requeue jobs of dead workers, sweep for lost webhooks.

Nothing here runs at import time: ``register(runtime)`` puts the two huey tasks on the
runtime's huey (built from the settings), and every job function gets the runtime (the
settings, the queue, the job store and the services) as its first argument.

Payloads are ``(platform, ticket_id)`` only, or ``(platform, ticket_id, comment_id)`` for a
comment added later (``bridge.comments``); a comment's lease and audit rows are filed under
its own key (``bridge.jobkeys``). Exceptions leaving a task are replaced
by ``JobFailed`` carrying a safe reason, because huey logs task exceptions and a
library's error message could quote a response body.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable, Protocol

from huey import Huey, crontab
from huey.exceptions import RetryTask
from sqlalchemy.exc import SQLAlchemyError

from bridge import metrics
from bridge.db import DatabaseError
from bridge.deliveries import DeliveryMemory
from bridge.jobkeys import comment_key, split_key
from bridge.jobs import JobStore
from bridge.logs import job_context
from bridge.platform import CommentPlatform, PlatformError, PlatformRejected, PlatformUnavailable
from bridge.settings import Settings

if TYPE_CHECKING:  # the web process enqueues without loading the scanner's models
    from bridge.pipeline import Services

log = logging.getLogger(__name__)

SWEPT = "swept"  # audit step: queued by the sweep, its webhook never arrived


class JobFailed(Exception):
    """A job attempt failed; the message is safe to log (no personal data)."""


class JobRuntime(Protocol):
    """What a job needs from the process that runs it (``bridge.runtime.Runtime``)."""

    settings: Settings
    huey: Huey

    def services(self) -> "Services": ...

    def job_store(self) -> JobStore: ...

    def deliveries(self) -> DeliveryMemory: ...

    def enqueue(self, platform: str, ticket_id: str) -> None: ...

    def enqueue_comment(self, platform: str, ticket_id: str, comment_id: str) -> None: ...

    def configured_platforms(self) -> list[str]: ...


@dataclass(frozen=True)
class Tasks:
    """The huey tasks registered on one huey instance."""

    process: Any
    housekeeping: Any
    retention: Any = None  # the periodic retention run (bridge.retention)
    process_comment: Any = None


def register(runtime: JobRuntime) -> Tasks:
    """Put the bridge's tasks on ``runtime.huey``. Task names are fixed (``bridge.tasks.*``)
    so that jobs queued by one version are found by the next."""
    jobs = runtime.settings.jobs
    huey = runtime.huey

    def process(platform: str, ticket_id: str, mode: str | None = None, task: Any = None) -> str:
        with job_context(job_id=getattr(task, "id", None), platform=platform, ticket_id=ticket_id):
            return process_job(runtime, platform, ticket_id, task, job_mode(mode))

    def process_comment(platform: str, ticket_id: str, comment_id: str, task: Any = None) -> str:
        with job_context(job_id=getattr(task, "id", None), platform=platform, ticket_id=ticket_id):
            return process_comment_job(runtime, platform, ticket_id, comment_id, task)

    def housekeeping() -> None:
        run_housekeeping(runtime)

    def retention() -> None:
        run_retention(runtime)

    return Tasks(
        retention=huey.periodic_task(crontab(minute="*/15"), name="retention")(_named(retention, "retention")),
        process=huey.task(retries=jobs.retries, retry_delay=jobs.retry_delay_seconds, retry_backoff=2.0,
                          context=True, name="process")(_named(process, "process")),
        housekeeping=huey.periodic_task(crontab(minute="*"), name="housekeeping")(_named(housekeeping, "housekeeping")),
        process_comment=huey.task(retries=jobs.retries, retry_delay=jobs.retry_delay_seconds, retry_backoff=2.0,
                                  context=True, name="process_comment")(_named(process_comment, "process_comment")),
    )


def job_mode(mode: str | None) -> str | None:
    """A job's own mode (``backfill`` queues its jobs with one): ``enforce`` only when said in
    so many words; anything else a job carries runs in monitor mode. None: the worker's mode."""
    if mode is None:
        return None
    return "enforce" if mode == "enforce" else "monitor"


def enqueue_key(runtime: JobRuntime, platform: str, key: str) -> None:
    """Queue the job filed under ``key``: a ticket's, or a comment's (``<ticket>/comment/<id>``)."""
    ticket_id, comment_id = split_key(key)
    if comment_id is None:
        runtime.enqueue(platform, ticket_id)
    else:
        runtime.enqueue_comment(platform, ticket_id, comment_id)


def _named(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    func.__module__ = __name__
    func.__name__ = func.__qualname__ = name
    return func


def safe_error(exc: BaseException) -> str:
    """The reason kept with a job (dead letters, status page): our own errors carry safe
    messages that name the platform or the mail server; anything else may quote data, so
    it is only called unexpected (its type goes to the worker's log, not to admins' screens)."""
    from bridge.notify import NotifyError

    if isinstance(exc, (PlatformError, NotifyError)) and str(exc).strip():
        return str(exc).strip()[:300]
    log.error("unexpected error in a job", extra={"error_type": type(exc).__name__})
    return "unexpected error in the bridge (the worker's log names it)"


STATE_OUTAGE_RETRY_SECONDS = 15.0


def process_job(runtime: JobRuntime, platform: str, ticket_id: str, task: Any, mode: str | None = None) -> str:
    """Run one job (in ``mode`` when the job carries one, e.g. a backfill's, else the worker's);
    while the state database is unreachable the job waits (retried without counting against
    its attempts) instead of failing."""
    def work() -> str:
        from bridge.pipeline import process_ticket

        return process_ticket(runtime.services(), platform, ticket_id, mode=mode)

    return _guarded_job(runtime, platform, ticket_id, task, work, mode)


def process_comment_job(runtime: JobRuntime, platform: str, ticket_id: str, comment_id: str, task: Any) -> str:
    """One comment's job: its lease and audit rows are under the comment's own key."""
    def work() -> str:
        from bridge.comments import process_comment

        return process_comment(runtime.services(), platform, ticket_id, comment_id)

    return _guarded_job(runtime, platform, comment_key(ticket_id, comment_id), task, work)


def _guarded_job(runtime: JobRuntime, platform: str, ticket_id: str, task: Any, work: Callable[[], str],
                 mode: str | None = None) -> str:
    try:
        return _process_job(runtime, platform, ticket_id, task, work, mode)
    except (SQLAlchemyError, DatabaseError) as exc:
        metrics.JOBS.labels(platform, "state_unavailable").inc()
        log.warning("state database unavailable, job waits",
                    extra={"platform": platform, "ticket_id": ticket_id, "error_type": type(exc).__name__,
                           "retry_in_seconds": STATE_OUTAGE_RETRY_SECONDS})
        raise RetryTask(delay=STATE_OUTAGE_RETRY_SECONDS) from None


def _process_job(runtime: JobRuntime, platform: str, ticket_id: str, task: Any, work: Callable[[], str],
                 mode: str | None = None) -> str:
    """``ticket_id`` is the job's key (a comment's job: ``<ticket>/comment/<id>``)."""
    store = runtime.job_store()
    claim = store.acquire(platform, ticket_id)
    if claim == "done" and _to_enforce(runtime, platform, ticket_id, mode):
        if store.reopen(platform, ticket_id, "decided in monitor mode; enforce mode decides it again"):
            log.info("monitor decision to be enforced", extra={"platform": platform, "ticket_id": ticket_id})
        claim = store.acquire(platform, ticket_id)
    if claim != "acquired":
        metrics.JOBS.labels(platform, f"skipped_{claim}").inc()
        log.info("job skipped", extra={"platform": platform, "ticket_id": ticket_id, "reason": claim})
        return claim
    try:
        with store.heartbeat(platform, ticket_id):
            outcome = work()
    except (SQLAlchemyError, DatabaseError):
        try:  # give the lease back if the database is back already, so the retry is not "busy"
            store.retrying(platform, ticket_id, "state database unavailable")
        except (SQLAlchemyError, DatabaseError):
            pass
        raise
    except Exception as exc:
        reason = safe_error(exc)
        if isinstance(exc, PlatformError):
            metrics.PLATFORM_ERRORS.labels(platform, type(exc).__name__).inc()
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


def _to_enforce(runtime: JobRuntime, platform: str, ticket_id: str, mode: str | None = None) -> bool:
    """In enforce mode, a job finished in monitor mode (and never acted on) is not done."""
    from bridge.pipeline import monitored_only

    services = runtime.services()
    return (mode or services.mode) == "enforce" and monitored_only(services.audit.steps(platform, ticket_id))


def requeue_stale(runtime: JobRuntime) -> int:
    """Queue again the jobs whose worker died mid-job (e.g. SIGKILL)."""
    count = 0
    for job in runtime.job_store().stale():
        log.warning("requeue stale job", extra={"platform": job.platform, "ticket_id": job.ticket_id})
        enqueue_key(runtime, job.platform, job.ticket_id)
        count += 1
    return count


def retry_dead(runtime: JobRuntime, platform: str | None = None, ticket_id: str | None = None) -> int:
    store = runtime.job_store()
    count = 0
    for job in store.list("dead"):
        if (platform and job.platform != platform) or (ticket_id and job.ticket_id != ticket_id):
            continue
        store.retrying(job.platform, job.ticket_id, f"retried by hand after: {job.last_error}")
        enqueue_key(runtime, job.platform, job.ticket_id)
        count += 1
    return count


def run_retention(runtime: JobRuntime) -> str:
    """Every 15 minutes: run the retention rules when BRIDGE_RETENTION_INTERVAL_HOURS has passed
    since the last completed run (a stopped run is resumed, at most hourly)."""
    from bridge.retention.service import run_periodic

    try:
        done = run_periodic(runtime.settings)
    except PlatformError as exc:
        log.warning("retention stopped, the next run resumes it", extra={"error": safe_error(exc)})
        return "stopped"
    except Exception as exc:  # never let a retention problem take the worker's housekeeping down
        log.error("retention failed", extra={"error": safe_error(exc)})
        return "failed"
    if done == "ran":
        log.info("retention run complete")
    return done


def run_housekeeping(runtime: JobRuntime) -> None:
    """Every minute: requeue stale jobs, update gauges, forget old delivery ids (hourly)
    and run the sweep when it is due."""
    requeue_stale(runtime)
    try:
        metrics.QUEUE_DEPTH.set(runtime.huey.pending_count())
        metrics.DEAD_LETTERS.set(runtime.job_store().counts().get("dead", 0))
    except Exception:  # gauges are best effort
        pass
    now = datetime.now(timezone.utc)
    minutes = int(now.timestamp() // 60)
    hours = runtime.settings.jobs.delivery_memory_hours
    if minutes % 60 == 0:
        forgotten = runtime.deliveries().forget(hours * 3600.0)
        log.log(logging.INFO if forgotten else logging.DEBUG, "delivery ids forgotten",
                extra={"count": forgotten, "hours": hours})
    if minutes % 1440 == 9 * 60:  # 09:00 UTC daily
        from bridge.attest import remind_if_due

        remind_if_due(runtime.services().audit.db)
    rules = runtime.services().rules
    interval = rules.sweep.interval_minutes
    if interval <= 0 or minutes % interval:
        return
    for name in runtime.configured_platforms():
        try:
            seen, queued = sweep(runtime, name, timedelta(minutes=rules.sweep.window_minutes))
            log.log(logging.INFO if queued else logging.DEBUG, "sweep",
                    extra={"platform": name, "seen": seen, "queued": queued})
        except PlatformError as exc:
            log.warning("sweep failed", extra={"platform": name, "error": safe_error(exc)})


def sweep(runtime: JobRuntime, platform: str, window: timedelta, progress: Any = None) -> tuple[int, int]:
    """Queue tickets created within ``window`` that have no audit record, and, where the
    platform lists comments and the rules scan them, comments added within it to older
    tickets that were never decided. Returns (seen, queued)."""
    services = runtime.services()
    since = datetime.now(timezone.utc) - window
    seen = queued = 0
    client = services.platform(platform)
    for ticket_id in client.created_since(since):
        seen += 1
        if not services.audit.has_record(platform, ticket_id) and runtime.job_store().get(platform, ticket_id) is None:
            runtime.enqueue(platform, ticket_id)
            services.audit.record_step(platform, ticket_id, SWEPT)
            queued += 1
        if progress is not None:
            progress.update(1)
    if isinstance(client, CommentPlatform) and services.rules.comments.enabled:
        for ticket_id, comment_id in client.comments_since(since):
            seen += 1
            key = comment_key(ticket_id, comment_id)
            if not services.audit.has_record(platform, key) and runtime.job_store().get(platform, key) is None:
                runtime.enqueue_comment(platform, ticket_id, comment_id)
                services.audit.record_step(platform, key, SWEPT)
                metrics.COMMENT_EVENTS.labels(platform, "sweep").inc()
                queued += 1
            if progress is not None:
                progress.update(1)
    return seen, queued  # the caller reports it (the housekeeping log, the sweep command's summary)
