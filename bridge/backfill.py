"""History backfill: queue the tickets created in a window before the bridge was installed.

The command lists the platform's tickets page by page (``HistoryPlatform.created_pages``)
and queues each one the bridge knows nothing of, as the sweep does, so that every worker
shares the work; the workers decide it in the backfill's own mode (monitor unless the
command line said ``--enforce``), whatever mode they run in.

- Bounded: before each job the queue's depth is read, and the listing waits while more than
  ``max_queue`` jobs wait (memory stays flat for 100,000 tickets; webhooks keep flowing).
- Resumable: after each page the platform's resume point is stored in the state database
  (``bridge.cursors``, name ``backfill:<platform>``); a killed backfill run again starts at
  the page it was on. A ticket is queued first and then marked in the audit (step
  ``backfilled``), so a kill in between queues it twice at worst, and the job store runs it
  once; a marked, decided or already queued ticket is never queued again.
- Nothing here holds personal data: ticket ids, counts, times and the platform's cursor.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import and_, func, select

from bridge.audit import AuditLog
from bridge.cursors import CursorStore
from bridge.db import Database
from bridge.platform import DEFAULT_REQUESTS_PER_TICKET, CreatedPage, HistoryPlatform, Platform
from bridge.schema import decisions, jobs, steps

MARKERS = {"monitor": "backfilled", "enforce": "backfilled_enforce"}  # audit steps: queued by a backfill
CHUNK = 500  # ticket ids per database query


def cursor_name(platform: str) -> str:
    return f"backfill:{platform}"


@dataclass
class Plan:
    """One backfill as the cursor keeps it (JSON in the state database; no personal data)."""

    platform: str
    mode: str  # monitor | enforce
    since: float
    until: float
    since_text: str
    until_text: str
    started: float
    resume: str | None = None  # the platform's resume point after the last page fully queued
    pages: int = 0
    listed: int = 0
    queued: int = 0
    skipped: int = 0
    progress: float | None = None  # share of the listing done, as the platform tells
    finished: float | None = None  # when the listing ended

    def dumps(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def loads(cls, text: str) -> "Plan | None":
        try:
            data = json.loads(text)
            names = {f.name for f in fields(cls)}
            return cls(**{k: v for k, v in data.items() if k in names})
        except (ValueError, TypeError):
            return None

    def same_request(self, mode: str, since_text: str, until_text: str) -> bool:
        return (self.mode, self.since_text, self.until_text) == (mode, since_text, until_text)

    @property
    def marker(self) -> str:
        return MARKERS[self.mode]

    def window(self) -> str:
        return f"{_day(self.since)} to {_day(self.until)}"


def _day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def pages_of(platform: Platform, plan: Plan) -> Iterator[CreatedPage]:
    """The platform's pages from the plan's resume point; one page (not resumable) for a
    platform that only has ``created_since``."""
    since = datetime.fromtimestamp(plan.since, timezone.utc)
    until = datetime.fromtimestamp(plan.until, timezone.utc)
    if isinstance(platform, HistoryPlatform):
        yield from platform.created_pages(since, until, plan.resume)
        return
    yield CreatedPage(tuple(platform.created_since(since)), None, 1.0)


def _chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def already_handled(db: Database, platform: str, ticket_ids: Iterable[str], mode: str) -> set[str]:
    """The tickets not to queue: decided, queued or marked before. In enforce mode a ticket
    decided in monitor mode and never acted on is queued again (once: its marker says so)."""
    from bridge.pipeline import monitored_only

    ids = list(dict.fromkeys(ticket_ids))
    names: dict[str, set[str]] = defaultdict(set)
    known: set[str] = set()
    with db.read() as conn:
        for chunk in _chunks(ids):
            for row in conn.execute(select(steps.c.ticket_id, steps.c.step)
                                    .where((steps.c.platform == platform) & steps.c.ticket_id.in_(chunk))):
                names[row.ticket_id].add(row.step)
            for table in (decisions, jobs):
                known.update(conn.execute(select(table.c.ticket_id).distinct()
                                          .where((table.c.platform == platform) & table.c.ticket_id.in_(chunk)))
                             .scalars())
    handled = set()
    for ticket_id in ids:
        seen = names.get(ticket_id, set())
        if mode == "enforce" and MARKERS["enforce"] not in seen and monitored_only(seen):
            continue
        if seen or ticket_id in known:
            handled.add(ticket_id)
    return handled


def finished_jobs(db: Database, plan: Plan) -> dict[str, int]:
    """Jobs this backfill queued that the workers have finished, by state (done, dead)."""
    query = (
        select(jobs.c.state, func.count().label("n"))
        .select_from(steps.join(jobs, and_(jobs.c.platform == steps.c.platform, jobs.c.ticket_id == steps.c.ticket_id)))
        .where((steps.c.platform == plan.platform) & (steps.c.step == plan.marker) & (steps.c.at >= plan.started)
               & jobs.c.state.in_(("done", "dead")) & (jobs.c.updated_at >= plan.started))
        .group_by(jobs.c.state)
    )
    with db.read() as conn:
        return {row.state: int(row.n) for row in conn.execute(query)}


@dataclass
class Status:
    """What the progress bar shows."""

    plan: Plan
    finished: int = 0
    dead: int = 0
    depth: int = 0
    waiting: bool = False  # the listing waits for the queue to drain
    eta_budget: float | None = None  # seconds, from the platform's rate budget
    eta_measured: float | None = None  # seconds, from the drain measured so far
    left: float | None = None  # tickets still to decide (an estimate while the listing runs)

    def eta(self) -> float | None:
        known = [e for e in (self.eta_budget, self.eta_measured) if e is not None]
        return max(known) if known else None


@dataclass
class Pace:
    """ETA: requests a ticket × tickets left ÷ the budget's rate, and tickets left ÷ the drain
    measured over the last minute; the later of the two is the estimate."""

    requests_per_ticket: float
    per_minute: float | None  # the budget's effective rate (requests a minute), None without a budget
    window: float = 60.0
    samples: deque[tuple[float, int]] = field(default_factory=deque)

    def update(self, status: Status, now: float) -> None:
        plan = status.plan
        if plan.finished is not None:
            more = 0.0
        elif plan.progress and plan.progress > 0.0:
            more = plan.queued * (1.0 / plan.progress - 1.0)
        else:
            more = None
        status.left = None if more is None else max(0.0, plan.queued - status.finished - status.dead + more)
        self.samples.append((now, status.finished + status.dead))
        while len(self.samples) > 2 and now - self.samples[0][0] > self.window:
            self.samples.popleft()
        if status.left is None:
            status.eta_budget = status.eta_measured = None
            return
        status.eta_budget = (status.left * self.requests_per_ticket * 60.0 / self.per_minute
                             if self.per_minute else None)
        (t0, n0), (t1, n1) = self.samples[0], self.samples[-1]
        rate = (n1 - n0) / (t1 - t0) if t1 - t0 >= 5.0 and n1 > n0 else None
        status.eta_measured = status.left / rate if rate else None


class Backfill:
    """Lists, dedupes and queues one plan; keeps the cursor; reports through ``tick``."""

    def __init__(self, plan: Plan, db: Database, platform: Platform, enqueue: Callable[[str], None],
                 depth: Callable[[], int], max_queue: int, pace: Pace,
                 tick: Callable[[Status], None] = lambda status: None, sleep: Callable[[float], None] = time.sleep,
                 tick_every: float = 1.0) -> None:
        self.plan = plan
        self.db = db
        self.platform = platform
        self.enqueue = enqueue
        self.depth = depth
        self.max_queue = max(1, max_queue)
        self.pace = pace
        self.tick = tick
        self.sleep = sleep
        self.tick_every = tick_every
        self.cursors = CursorStore(db)
        self.audit = AuditLog(db)
        self.status = Status(plan)
        self._last_tick = 0.0

    def save(self) -> None:
        self.cursors.set(cursor_name(self.plan.platform), self.plan.dumps())

    def refresh(self, force: bool = False) -> Status:
        now = time.monotonic()
        if not force and now - self._last_tick < self.tick_every:
            return self.status
        self._last_tick = now
        counts = finished_jobs(self.db, self.plan)
        self.status.finished, self.status.dead = counts.get("done", 0), counts.get("dead", 0)
        self.status.depth = self.depth()
        self.pace.update(self.status, now)
        self.tick(self.status)
        return self.status

    def _room(self) -> None:
        """Wait while the queue is deeper than ``max_queue``."""
        depth = self.depth()
        self.status.waiting = depth >= self.max_queue
        while depth >= self.max_queue:
            self.refresh()
            self.sleep(0.2)
            depth = self.depth()
        self.status.waiting = False
        self.status.depth = depth

    def run(self) -> Plan:
        """List from the cursor to the end of the window, queueing; the cursor moves after each page."""
        plan = self.plan
        self.save()
        for page in pages_of(self.platform, plan):
            ids = list(dict.fromkeys(page.ticket_ids))
            handled = already_handled(self.db, plan.platform, ids, plan.mode)
            plan.listed += len(ids)
            plan.skipped += len(handled)
            for ticket_id in ids:
                if ticket_id in handled:
                    continue
                self._room()
                self.enqueue(ticket_id)  # queued first, then marked: a kill in between queues it again, never loses it
                self.audit.record_step(plan.platform, ticket_id, plan.marker, plan.mode)
                plan.queued += 1
                self.refresh()
            plan.pages += 1
            plan.progress = page.progress if page.progress is not None else plan.progress
            plan.resume = page.resume
            if page.resume is None:
                plan.finished = time.time()
            self.save()
            self.refresh(force=True)
        if plan.finished is None:  # a platform listing that ended without saying so
            plan.finished = time.time()
            self.save()
        return plan

    def wait_drained(self, timeout: float | None = None) -> Status:
        """Wait until every ticket this backfill queued is finished (done or dead)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            status = self.refresh(force=True)
            if status.finished + status.dead >= self.plan.queued:
                return status
            if deadline is not None and time.monotonic() > deadline:
                return status
            self.sleep(max(0.2, min(2.0, self.tick_every)))


@dataclass
class DryRun:
    listed: int = 0
    skipped: int = 0
    would_queue: int = 0


def dry_run(db: Database, platform: Platform, plan: Plan, tick: Callable[[DryRun], None] = lambda d: None) -> DryRun:
    """List the whole window and count what would be queued; queue, mark and store nothing."""
    counts = DryRun()
    for page in pages_of(platform, plan):
        ids = list(dict.fromkeys(page.ticket_ids))
        handled = already_handled(db, plan.platform, ids, plan.mode)
        counts.listed += len(ids)
        counts.skipped += len(handled)
        counts.would_queue += len(ids) - len(handled)
        tick(counts)
    return counts


def requests_per_ticket(platform: Any) -> float:
    value = getattr(platform, "requests_per_ticket", None)
    return float(value) if isinstance(value, (int, float)) and value > 0 else DEFAULT_REQUESTS_PER_TICKET


def duration_text(seconds: float | None) -> str:
    """``3h 12m``, ``4m 05s``, ``12s``; ``?`` when unknown."""
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"
