"""One process's parts, built from the settings: the queue, the job store, the services,
and starting the web app, the huey consumer, or both in one process.

The CLI reads the settings once and builds one ``Runtime``; nothing is built at import.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any, Iterator

from huey import Huey

from bridge.db import Database, open_database
from bridge.deliveries import DeliveryMemory
from bridge.jobs import JobStore
from bridge.platform import Platform, get_platform, platform_names
from bridge.queue import make_huey
from bridge.ratebudget import Budgets
from bridge.settings import Settings
from bridge.tasks import Tasks, register

if TYPE_CHECKING:
    from bridge.pipeline import Services

log = logging.getLogger(__name__)


class Runtime:
    """What the jobs and the web app of one process share; built once from the settings."""

    def __init__(self, settings: Settings, huey: Huey | None = None) -> None:
        self.settings = settings
        self.huey = huey if huey is not None else make_huey(settings.queue_url, settings.queue.name)
        self._lock = threading.Lock()
        self._services: "Services | None" = None
        self._job_store: JobStore | None = None
        self.tasks: Tasks = register(self)

    def database(self) -> Database:
        """The state database (opened and migrated on first use; one pool per process)."""
        return open_database(self.settings.state_url)

    def job_store(self) -> JobStore:
        """One store per process."""
        with self._lock:
            if self._job_store is None:
                self._job_store = JobStore(self.database(), lease_seconds=self.settings.jobs.lease_seconds,
                                           host=self.settings.jobs.host_id)
            return self._job_store

    def deliveries(self) -> DeliveryMemory:
        return DeliveryMemory(self.database())

    def services(self) -> "Services":
        """Rules, models, templates and platform clients: loaded once, on first use."""
        with self._lock:
            if self._services is None:
                self._services = build_services(self.settings, self.database())
            return self._services

    def platform(self, name: str) -> Platform:
        return get_platform(name, self.settings.platform_environ(name))

    def configured_platforms(self) -> list[str]:
        """Platforms whose client can be built from the settings (credentials present)."""
        names = []
        for name in platform_names():
            section = self.settings.platforms.get(name)
            if section is not None and not section.configured():
                continue
            try:
                self.services().platform(name)
            except Exception:  # not configured here
                continue
            names.append(name)
        return names

    def enqueue(self, platform: str, ticket_id: str) -> None:
        self.tasks.process(platform, ticket_id)

    def enqueue_comment(self, platform: str, ticket_id: str, comment_id: str) -> None:
        """A comment added later: the payload is the three ids, nothing else."""
        self.tasks.process_comment(platform, ticket_id, comment_id)

    def check_state_database(self) -> None:
        """Raise unless the state database answers a ``SELECT 1`` (for /readyz): one pooled
        connection, checked out and given back."""
        from sqlalchemy import text

        with self.database().engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def claim_delivery(self, key: str) -> bool:
        return self.deliveries().claim(key)

    def release_delivery(self, key: str) -> None:
        self.deliveries().release(key)


def build_services(settings: Settings, database: Database) -> "Services":
    from bridge.analysis import TicketAnalyzer
    from bridge.audit import AuditLog
    from bridge.extract.runner import set_extract_concurrency
    from bridge.notify import Notifier
    from bridge.pipeline import Services
    from bridge.rules import load_rules

    set_extract_concurrency(settings.extract.concurrency)
    rules = load_rules(settings.rules.path)
    budgets = Budgets(settings.queue_url, settings.data_dir, settings.queue.name, dict(rules.rate_limits))
    return Services(
        rules=rules,
        mode=settings.mode(rules.mode),
        analyzer=TicketAnalyzer(rules),
        notifier=Notifier.from_settings(settings.mail, data_dir=settings.data_dir),
        audit=AuditLog(database),
        platform_factory=lambda name: get_platform(name, settings.platform_environ(name), budgets.factory(name)),
    )


def build_web_app(runtime: Runtime) -> Any:
    from bridge.app import create_app

    settings = runtime.settings
    extra_routes = []
    try:
        from bridge.status import status_routes

        extra_routes = status_routes(settings)
    except ImportError:  # status page not installed in this build
        pass
    return create_app(
        settings,
        enqueue=runtime.enqueue,
        enqueue_comment=runtime.enqueue_comment,
        claim_delivery=runtime.claim_delivery,
        release_delivery=runtime.release_delivery,
        queue_depth=runtime.huey.pending_count,
        state_check=runtime.check_state_database,
        extra_routes=extra_routes,
        environ=settings.platform_environ(),
    )


def start_consumer(runtime: Runtime, workers: int, worker_type: str = "thread") -> Any:
    """Load the models, queue again what dead workers left, and start consuming."""
    from bridge.tasks import requeue_stale

    began = time.monotonic()
    wait_for_state_database(runtime)
    runtime.services()  # load rules, models and templates before taking any job
    requeued = requeue_stale(runtime)
    from bridge.attest import remind_if_due

    remind_if_due(runtime.database())
    consumer = runtime.huey.create_consumer(
        workers=workers, worker_type=worker_type, periodic=True, check_worker_health=True, backoff=1.15,
        max_delay=0.1, initial_delay=0.05,
    )
    log.info("worker ready", extra={"seconds": round(time.monotonic() - began, 2), "requeued": requeued,
                                    "workers": workers})
    return consumer


def wait_for_state_database(runtime: Runtime, pause: float = 5.0) -> None:
    """A worker started while the state database is down waits for it (jobs stay queued)."""
    from bridge.db import DatabaseError

    while True:
        try:
            runtime.database()
            return
        except DatabaseError as exc:
            log.warning("state database unavailable, worker waits", extra={"error": str(exc), "retry_in_seconds": pause})
            time.sleep(pause)


def run_worker(runtime: Runtime, workers: int, worker_type: str) -> None:
    consumer = start_consumer(runtime, workers, worker_type)
    consumer.run()


def run_web(runtime: Runtime) -> None:
    """The webhook listener (HOST:PORT) and, when BRIDGE_METRICS_PORT is set, the metrics
    listener for /metrics and /readyz (BRIDGE_METRICS_HOST, loopback by default)."""
    import asyncio
    import contextlib

    import uvicorn

    class SecondListener(uvicorn.Server):
        """Leaves the signals to the webhook listener, which stops it on the way out."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    app = build_web_app(runtime)
    web = runtime.settings.web
    options: dict[str, Any] = {"log_config": None, "access_log": False, "timeout_graceful_shutdown": 10}
    main = uvicorn.Server(uvicorn.Config(app, host=web.host, port=web.port, **options))
    monitoring = getattr(app.state, "monitoring_app", None)
    if monitoring is None or web.metrics_port is None:
        main.run()
        return
    config = uvicorn.Config(monitoring, host=web.metrics_host, port=web.metrics_port, **options)
    sock = config.bind_socket()  # fails here, before the webhook listener starts, when the port is taken
    log.info("metrics listener", extra={"host": web.metrics_host, "port": web.metrics_port})
    asyncio.run(_serve_both(main, SecondListener(config), sock))


async def _serve_both(main: Any, second: Any, sock: Any) -> None:
    import asyncio

    task = asyncio.create_task(second.serve(sockets=[sock]))
    try:
        await main.serve()
    finally:
        second.should_exit = True
        await task


def run_serve(runtime: Runtime) -> None:
    """Web and worker in one process: the embedded default."""
    consumer = start_consumer(runtime, runtime.settings.jobs.workers, "thread")
    consumer.start()
    try:
        run_web(runtime)
    finally:
        consumer.stop(graceful=True)
