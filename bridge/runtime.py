"""Starting the processes: the web app, the huey consumer, or both in one process."""

from __future__ import annotations

import logging
import time
from typing import Any

import uvicorn

from bridge.app import create_app
from bridge.config import Settings

log = logging.getLogger(__name__)


def build_web_app(settings: Settings) -> Any:
    from bridge import tasks

    def claim_delivery(key: str) -> bool:
        return tasks.delivery_memory().claim(key)

    extra_routes = []
    try:
        from bridge.status import status_routes

        extra_routes = status_routes(settings)
    except ImportError:  # status page not installed in this build
        pass
    return create_app(
        settings,
        enqueue=tasks.enqueue,
        claim_delivery=claim_delivery,
        queue_depth=tasks.huey.pending_count,
        extra_routes=extra_routes,
    )


def start_consumer(workers: int, worker_type: str = "thread") -> Any:
    """Load the models, queue again what dead workers left, and start consuming."""
    from bridge import tasks

    began = time.monotonic()
    tasks.services()  # load rules, models and templates before taking any job
    requeued = tasks.requeue_stale()
    consumer = tasks.huey.create_consumer(
        workers=workers, worker_type=worker_type, periodic=True, check_worker_health=True, backoff=1.15,
        max_delay=0.1, initial_delay=0.05,
    )
    log.info("worker ready", extra={"seconds": round(time.monotonic() - began, 2), "requeued": requeued,
                                    "workers": workers})
    return consumer


def run_worker(settings: Settings, workers: int, worker_type: str) -> None:
    consumer = start_consumer(workers, worker_type)
    consumer.run()


def run_web(settings: Settings) -> None:
    app = build_web_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False,
                timeout_graceful_shutdown=10)


def run_serve(settings: Settings) -> None:
    """Web and worker in one process: the embedded default."""
    consumer = start_consumer(settings.workers, "thread")
    consumer.start()
    try:
        run_web(settings)
    finally:
        consumer.stop(graceful=True)
