"""The web process: receive webhooks, verify them, enqueue a job, answer 202 fast.

Nothing slow happens here, and nothing of the request body is logged: it holds
the ticket's description.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Mapping

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bridge import metrics
from bridge.settings import Settings
from bridge.platform import WebhookEvent, WebhookReceiver, WebhookRejected, get_webhook_receiver, platform_names
from bridge.jobkeys import comment_key
from bridge.queue import DELIVERY_PREFIX
from bridge.token_gate import TokenGate

log = logging.getLogger(__name__)


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refusing more than ``limit`` bytes without reading them all.

    The caller bounds the time it may take (``asyncio.wait_for``): a client that sends the
    headers and then a byte a minute must not hold anything for long."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def reject(platform: str, status: int, reason: str) -> JSONResponse:
    metrics.WEBHOOKS.labels(platform, f"rejected_{status}").inc()
    log.info("webhook rejected", extra={"platform": platform, "status": status, "reason": reason})
    return JSONResponse({"error": reason}, status_code=status)


class WebhookEndpoint:
    """``POST /webhooks/{platform}`` for every platform in the registry."""

    def __init__(
        self,
        settings: Settings,
        enqueue: Callable[[str, str], None],
        claim_delivery: Callable[[str], bool],
        environ: Mapping[str, str] | None = None,
        release_delivery: Callable[[str], object] | None = None,
        enqueue_comment: Callable[[str, str, str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.enqueue = enqueue
        self.enqueue_comment = enqueue_comment
        self.claim_delivery = claim_delivery
        self.release_delivery = release_delivery
        self.environ = environ
        self.receivers: dict[str, WebhookReceiver] = {}
        self.unconfigured: dict[str, str] = {}
        self.slots = asyncio.Semaphore(settings.max_concurrent_requests)

    def load_receivers(self) -> None:
        for name in platform_names():
            try:
                self.receivers[name] = get_webhook_receiver(name, self.environ)
            except Exception as exc:  # missing secret: answer 503 with the reason, do not crash
                self.unconfigured[name] = str(exc) or type(exc).__name__
                continue
            warning = getattr(self.receivers[name], "insecure", None)
            if warning:  # e.g. a public test secret accepted: anyone can sign deliveries
                log.warning("webhook receiver insecure", extra={"platform": name, "reason": warning})

    async def receive(self, request: Request) -> Response:
        platform = request.path_params["platform"]
        if platform not in self.receivers and platform not in self.unconfigured:
            return reject("unknown", 404, f"no such platform; use one of {', '.join(platform_names())}")
        if platform in self.unconfigured:
            return reject(platform, 503, f"webhook receiver not configured: {self.unconfigured[platform]}")
        # The body is read before a slot is taken, within a time bound: slow senders wait on
        # their own connection and are cut off at the bound, and the slots count only the
        # requests being verified and queued.
        timeout = self.settings.web.body_timeout_seconds
        try:
            body = await asyncio.wait_for(read_body(request, self.settings.max_body_bytes), timeout)
        except BodyTooLarge:
            return reject(platform, 413, f"body larger than {self.settings.max_body_bytes} bytes")
        except ClientDisconnect:
            return reject(platform, 400, "client disconnected before the body was read")
        except asyncio.TimeoutError:
            return reject(platform, 408, f"body not received within {timeout:g} s")
        if self.slots.locked():
            metrics.WEBHOOKS.labels(platform, "busy").inc()
            return JSONResponse({"error": "too many concurrent requests"}, status_code=503,
                                headers={"Retry-After": "1"})
        async with self.slots:
            return await self.handle(platform, request.headers, body)

    async def handle(self, platform: str, headers: Mapping[str, str], body: bytes) -> Response:
        try:
            event = self.receivers[platform].parse(headers, body)
        except WebhookRejected as exc:
            if exc.status < 300:
                metrics.WEBHOOKS.labels(platform, "ignored").inc()
                return JSONResponse({"status": "ignored", "reason": exc.reason}, status_code=exc.status)
            return reject(platform, exc.status, exc.reason)
        except RecursionError:  # JSON nested thousands deep, signed: a bad request, not a crash
            return reject(platform, 400, "body is nested too deeply")
        return await self.accept(event)

    async def accept(self, event: WebhookEvent) -> Response:
        if event.comment_id is not None:
            if self.enqueue_comment is None:
                metrics.WEBHOOKS.labels(event.platform, "ignored").inc()
                return JSONResponse({"status": "ignored", "reason": "comment events are not handled here"},
                                    status_code=200)
            # one job per comment, however many deliveries (and of which events) announce it
            key = f"{DELIVERY_PREFIX}{event.platform}:{comment_key(event.ticket_id, event.comment_id)}"
        else:
            key = f"{DELIVERY_PREFIX}{event.platform}:{event.delivery_id}"
        fresh = False
        try:
            fresh = await run_in_threadpool(self.claim_delivery, key)
            if fresh and event.comment_id is not None:
                assert self.enqueue_comment is not None
                await run_in_threadpool(self.enqueue_comment, event.platform, event.ticket_id, event.comment_id)
                metrics.COMMENT_EVENTS.labels(event.platform, "webhook").inc()
            elif fresh:
                await run_in_threadpool(self.enqueue, event.platform, event.ticket_id)
        except Exception as exc:
            log.error("queue unavailable", extra={"platform": event.platform, "error_type": type(exc).__name__})
            metrics.WEBHOOKS.labels(event.platform, "queue_error").inc()
            if fresh:  # claimed but not queued: the platform's retry must be queued, not "duplicate"
                await self.release(event, key)
            return JSONResponse({"error": "queue unavailable, try again"}, status_code=503,
                                headers={"Retry-After": "5"})
        if not fresh:
            metrics.WEBHOOKS.labels(event.platform, "duplicate").inc()
            return JSONResponse({"status": "duplicate", "ticket_id": event.ticket_id}, status_code=200)
        metrics.WEBHOOKS.labels(event.platform, "accepted").inc()
        log.info("webhook accepted", extra={"platform": event.platform, "ticket_id": event.ticket_id,
                                            "comment_id": event.comment_id})
        answer = {"status": "queued", "ticket_id": event.ticket_id}
        if event.comment_id is not None:
            answer["comment_id"] = event.comment_id
        return JSONResponse(answer, status_code=202)

    async def release(self, event: WebhookEvent, key: str) -> None:
        if self.release_delivery is None:
            return
        try:
            await run_in_threadpool(self.release_delivery, key)
        except Exception as exc:  # the sweep still finds the ticket
            log.error("delivery id not released", extra={"platform": event.platform, "ticket_id": event.ticket_id,
                                                          "error_type": type(exc).__name__})


def create_app(
    settings: Settings,
    enqueue: Callable[[str, str], None],
    claim_delivery: Callable[[str], bool],
    queue_depth: Callable[[], int] | None = None,
    extra_routes: list[Route] | None = None,
    environ: Mapping[str, str] | None = None,
    release_delivery: Callable[[str], object] | None = None,
    enqueue_comment: Callable[[str, str, str], None] | None = None,
    state_check: Callable[[], None] | None = None,
    state_timeout: float = 3.0,
) -> Starlette:
    endpoint = WebhookEndpoint(settings, enqueue, claim_delivery, environ, release_delivery, enqueue_comment)
    endpoint.load_receivers()
    started = time.time()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "uptime_seconds": round(time.time() - started, 1)})

    async def readyz(request: Request) -> Response:
        problems: dict[str, Any] = {name: reason for name, reason in endpoint.unconfigured.items()}
        try:
            depth = await run_in_threadpool(queue_depth) if queue_depth else None
        except Exception as exc:
            problems["queue"] = type(exc).__name__
            depth = None
        if state_check is not None:
            state_problem = await check_state(state_check, state_timeout)
            if state_problem:
                problems["state"] = state_problem
        ready = "queue" not in problems and "state" not in problems and bool(endpoint.receivers)
        return JSONResponse(
            {"ready": ready, "platforms": sorted(endpoint.receivers), "not_configured": problems,
             "queue_depth": depth},
            status_code=200 if ready else 503,
        )

    async def metrics_endpoint(request: Request) -> Response:
        if queue_depth:
            try:
                metrics.QUEUE_DEPTH.set(await run_in_threadpool(queue_depth))
            except Exception:
                pass
        return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)

    monitoring = [Route("/readyz", readyz), Route("/metrics", metrics_endpoint)]
    routes = [
        Route("/webhooks/{platform}", endpoint.receive, methods=["POST"]),
        Route("/healthz", healthz),
        *(extra_routes or []),
    ]
    if settings.web.metrics_port is None:
        # on the webhook's port (reachable from the internet): the status token is required
        gate = TokenGate(settings.status_token, "set BRIDGE_METRICS_PORT (a listener on 127.0.0.1) "
                                                "or BRIDGE_STATUS_TOKEN to reach /metrics and /readyz")
        routes += [Route(route.path, _guarded(gate, route.endpoint)) for route in monitoring]
    app = Starlette(routes=routes, exception_handlers={Exception: _server_error})
    # served by bridge.runtime on BRIDGE_METRICS_HOST:BRIDGE_METRICS_PORT when that is set
    app.state.monitoring_app = (
        Starlette(routes=[*monitoring, Route("/healthz", healthz)], exception_handlers={Exception: _server_error})
        if settings.web.metrics_port is not None else None
    )
    return app


async def check_state(state_check: Callable[[], None], timeout: float) -> str | None:
    """None when the state database answers within ``timeout``, else why not: the kind of
    error only, since a driver's message can name the server (and a URL its password)."""
    try:
        await asyncio.wait_for(run_in_threadpool(state_check), timeout)
    except asyncio.TimeoutError:
        reason = f"state database did not answer within {timeout:g} s"
    except Exception as exc:
        reason = f"state database unavailable ({type(exc).__name__})"
    else:
        return None
    log.warning("readyz: state database not ready", extra={"reason": reason})
    return reason


def _guarded(gate: TokenGate, handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    async def guarded(request: Request) -> Response:
        problem = await gate.problem(request)
        if problem:
            return JSONResponse({"error": problem}, status_code=401)
        return await handler(request)

    return guarded


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error", extra={"path": request.url.path, "error_type": type(exc).__name__})
    return JSONResponse({"error": "internal error"}, status_code=500)
