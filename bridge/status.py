"""The read-only status page at ``GET /`` for admins, protected by ``BRIDGE_STATUS_TOKEN``.

One HTML page rendered on the server with an inline SVG chart: no build step, no
script, nothing fetched from elsewhere. The token is accepted in the Authorization header
only (``bridge.token_gate``): ``Bearer <token>``, or as the password a browser asks for.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from bridge.attest import attestation_status
from bridge.audit import AuditLog
from bridge.settings import Settings
from bridge.db import open_database
from bridge.jobkeys import is_comment_key
from bridge.jobs import JobStore
from bridge.token_gate import BASIC_REALM, TokenGate

VERDICTS = ("violation", "review", "clean")
COLOURS = {"violation": "#c0392b", "review": "#e67e22", "clean": "#27ae60"}

_templates = Environment(loader=PackageLoader("bridge", "templates/status"), autoescape=select_autoescape())


# The steps that put a tag on the ticket for a person (bridge.pipeline.REVIEW_MARKED).
TAGGED_STEPS = frozenset({"review_marked", "redact_unconfirmed", "redact_failed"})


def summary(audit: AuditLog, jobs: JobStore, days: int, mode: str) -> dict[str, Any]:
    since = time.time() - days * 86400
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: Counter[str] = Counter()
    review: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []  # deletions the platform refused for good (tagged for review)
    notices_lost = 0  # deleted, but the requester could not be told (see docs/notification.md)
    acted: Counter[str] = Counter()  # what enforce mode did: deleted, redacted (the ticket kept)
    comments = 0
    for record in audit.records(since=since):
        steps = {s["step"]: s for s in record["steps"]}
        comments += is_comment_key(record["ticket_id"])
        for step in ("deleted", "redacted", "redact_failed", "redact_unconfirmed"):
            acted[step] += step in steps
        if "delete_failed" in steps and "deleted" not in steps:
            refused.append({"platform": record["platform"], "ticket_id": record["ticket_id"],
                            "reason": steps["delete_failed"]["detail"], "at": steps["delete_failed"]["at"]})
        notices_lost += "notice_lost" in steps
        day = time.strftime("%Y-%m-%d", time.gmtime(record["decided_at"]))
        per_day[day][record["verdict"]] += 1
        kinds.update(record["kinds"])
        if any(step["step"] in TAGGED_STEPS for step in record["steps"]):  # tagged, not "would tag"
            review.append({"platform": record["platform"], "ticket_id": record["ticket_id"],
                           "reasons": record["reasons"], "decided_at": record["decided_at"]})
    channels = _channels(audit, since)
    days_sorted = sorted(per_day)
    totals = {v: sum(per_day[d][v] for d in days_sorted) for v in VERDICTS}
    return {
        "mode": mode,
        "window_days": days,
        "totals": totals,
        "days": [{"day": d, **{v: per_day[d][v] for v in VERDICTS}} for d in days_sorted],
        "kinds": kinds.most_common(),
        "review": review[-50:],
        "deletions_refused": refused[-50:],
        "notices_lost": notices_lost + channels["notices"]["lost"],  # the channels rule's portal notices too
        "comments_decided": comments,
        "deletions": acted["deleted"],
        "redactions": acted["redacted"],
        "redactions_not_done": acted["redact_failed"] + acted["redact_unconfirmed"],
        "dead_letters": [
            {"platform": j.platform, "ticket_id": j.ticket_id, "attempts": j.attempts, "reason": j.last_error,
             "failed_at": j.updated_at}
            for j in jobs.list("dead")
        ],
        "jobs": jobs.counts(),
        "channels": channels,
    }


def _channels(audit: AuditLog, since: float) -> dict[str, Any]:
    """The channels rule's counts in the window (``bridge.channel_counts``)."""
    from bridge.channel_counts import channel_counts

    return channel_counts(audit.db, since)


def bar_chart(days: list[dict[str, Any]], width: int = 720, height: int = 220) -> list[dict[str, Any]]:
    """Stacked bars as SVG rectangles: one bar a day, one colour a verdict."""
    if not days:
        return []
    peak = max(sum(d[v] for v in VERDICTS) for d in days) or 1
    slot = width / len(days)
    bars = []
    for index, day in enumerate(days):
        y = float(height)
        for verdict in VERDICTS:
            h = day[verdict] / peak * (height - 20)
            y -= h
            bars.append({"x": index * slot + slot * 0.15, "y": y, "w": slot * 0.7, "h": h,
                         "colour": COLOURS[verdict], "title": f"{day['day']}: {day[verdict]} {verdict}"})
    return bars


def day_labels(days: list[dict[str, Any]], width: int = 720) -> list[dict[str, Any]]:
    """``MM-DD`` under the middle of each bar (every n-th one when there are many days)."""
    if not days:
        return []
    slot = width / len(days)
    step = max(1, round(len(days) / 14))
    return [{"x": index * slot + slot / 2, "text": day["day"][5:]}
            for index, day in enumerate(days) if index % step == 0]


def status_routes(settings: Settings, mode_of: Any = None) -> list[Route]:

    def current_mode() -> str:
        if mode_of:
            return str(mode_of())
        if settings.mode_override:
            return settings.mode_override
        from bridge.rules import load_rules

        return load_rules(settings.rules_path).mode

    def data(request: Request) -> dict[str, Any]:
        days = int(request.query_params.get("days", "14") or 14)
        db = open_database(settings.state_url)  # opened on first use: the web process starts without it
        info = summary(AuditLog(db), JobStore(db), max(1, min(days, 366)), current_mode())
        info["attestation"] = attestation_status(db)
        return info

    gate = TokenGate(settings.status_token, "the status page is off: set BRIDGE_STATUS_TOKEN to enable it")

    async def page(request: Request) -> Response:
        problem = await gate.problem(request)
        if problem:  # the browser then asks for the token (as the password)
            return JSONResponse({"error": problem}, status_code=401, headers={"WWW-Authenticate": BASIC_REALM})
        info = data(request)
        html = _templates.get_template("index.html").render(
            info=info, bars=bar_chart(info["days"]), labels=day_labels(info["days"]), colours=COLOURS, verdicts=VERDICTS,
            generated=time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
        )
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def api(request: Request) -> Response:
        problem = await gate.problem(request)
        if problem:
            return JSONResponse({"error": problem}, status_code=401)
        return JSONResponse(data(request), headers={"Cache-Control": "no-store"})

    return [Route("/", page), Route("/api/status", api)]
