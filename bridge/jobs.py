"""Job state beside the queue: leases, so one ticket is worked on by one worker at a
time, and a record that survives a worker killed mid-job.

huey removes a job from the queue when a worker takes it, so a worker killed with
SIGKILL would lose it. Every job therefore takes a lease here first; a job whose
lease has expired, or whose owner is a dead process on this host, is found by
``stale()`` and queued again. Jobs that keep failing end ``dead`` with the reason.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import func, select, update

from bridge.db import Database, upsert
from bridge.schema import jobs

log = logging.getLogger(__name__)

# A live job renews its lease every quarter of this (heartbeat), so the lease only runs
# out when its worker is gone: then another host takes the job over within this time.
DEFAULT_LEASE_SECONDS = 120.0  # BRIDGE_LEASE_SECONDS (settings.jobs.lease_seconds)


def this_owner(host: str | None = None) -> str:
    """``host:pid:thread``: a worker process runs several threads, and a thread must not
    take over the lease of another thread of its own process. ``host`` is BRIDGE_HOST_ID
    when set (containers that share a hostname must not judge each other's processes)."""
    return f"{host or socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _owner_is_dead(owner: str | None, host_id: str | None = None) -> bool:
    """True when the owner was a process on this host that no longer runs; a lease of
    another host can only run out."""
    if not owner:
        return True
    parts = owner.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        host, pid = parts[0], parts[1]
    else:  # host:pid, as written before leases named the thread
        host, _, pid = owner.rpartition(":")
    if host != (host_id or socket.gethostname()) or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass(frozen=True)
class JobRow:
    platform: str
    ticket_id: str
    state: str
    attempts: int
    lease_owner: str | None
    lease_expires: float | None
    updated_at: float
    last_error: str | None


class JobStore:
    """Leases and outcomes of jobs, in the shared state database."""

    def __init__(self, db: Database, lease_seconds: float = DEFAULT_LEASE_SECONDS, host: str | None = None) -> None:
        self.db = db
        self.lease_seconds = lease_seconds
        self.host = host

    def owner(self) -> str:
        """This thread's name in leases."""
        return this_owner(self.host)

    def _key(self, platform: str, ticket_id: str) -> Any:
        return (jobs.c.platform == platform) & (jobs.c.ticket_id == ticket_id)

    def acquire(self, platform: str, ticket_id: str, owner: str | None = None) -> str:
        """Take the lease. Returns ``acquired``, ``done`` (nothing left to do) or ``busy``."""
        owner = owner or self.owner()
        now = time.time()
        with self.db.write() as conn:
            fresh = conn.execute(
                upsert(self.db, jobs).values(
                    platform=platform, ticket_id=ticket_id, state="running", attempts=1, lease_owner=owner,
                    lease_expires=now + self.lease_seconds, created_at=now, updated_at=now,
                ).on_conflict_do_nothing().returning(jobs.c.state)
            ).first()
            if fresh is not None:
                return "acquired"
            row = conn.execute(
                select(jobs.c.state, jobs.c.lease_owner, jobs.c.lease_expires)
                .where(self._key(platform, ticket_id)).with_for_update()
            ).one()
            if row.state == "done":
                return "done"
            if (
                row.state == "running"
                and row.lease_owner != owner
                and (row.lease_expires or 0) > now
                and not _owner_is_dead(row.lease_owner, self.host)
            ):
                return "busy"
            conn.execute(
                update(jobs).where(self._key(platform, ticket_id)).values(
                    state="running", attempts=jobs.c.attempts + 1, lease_owner=owner,
                    lease_expires=now + self.lease_seconds, updated_at=now,
                )
            )
            return "acquired"

    def renew(self, platform: str, ticket_id: str, owner: str) -> bool:
        """Extend a running job's lease; False when ``owner`` no longer holds it."""
        now = time.time()
        with self.db.write() as conn:
            touched = conn.execute(
                update(jobs)
                .where(self._key(platform, ticket_id) & (jobs.c.state == "running") & (jobs.c.lease_owner == owner))
                .values(lease_expires=now + self.lease_seconds)
            ).rowcount
        return touched == 1

    @contextmanager
    def heartbeat(self, platform: str, ticket_id: str, owner: str | None = None,
                  every: float | None = None) -> Iterator["Heartbeat"]:
        """Renew the lease in a background thread while the block runs, so that a live job
        is never taken over however long it takes; only a dead worker's lease runs out."""
        beat = Heartbeat(self, platform, ticket_id, owner or self.owner(), every or self.lease_seconds / 4)
        beat.start()
        try:
            yield beat
        finally:
            beat.stop()

    def reopen(self, platform: str, ticket_id: str, reason: str) -> bool:
        """Make a ``done`` job takeable again (monitor mode's decision, now to be enforced).
        True for the one caller that reopened it; concurrent callers get False."""
        with self.db.write() as conn:
            touched = conn.execute(
                update(jobs).where(self._key(platform, ticket_id) & (jobs.c.state == "done"))
                .values(state="retrying", updated_at=time.time(), last_error=reason)
            ).rowcount
        return touched == 1

    def _finish(self, platform: str, ticket_id: str, state: str, error: str | None) -> None:
        with self.db.write() as conn:
            conn.execute(update(jobs).where(self._key(platform, ticket_id)).values(
                state=state, lease_owner=None, lease_expires=None, updated_at=time.time(), last_error=error))

    def done(self, platform: str, ticket_id: str) -> None:
        self._finish(platform, ticket_id, "done", None)

    def retrying(self, platform: str, ticket_id: str, error: str) -> None:
        self._finish(platform, ticket_id, "retrying", error)

    def dead(self, platform: str, ticket_id: str, error: str) -> None:
        self._finish(platform, ticket_id, "dead", error)

    def get(self, platform: str, ticket_id: str) -> JobRow | None:
        with self.db.read() as conn:
            row = conn.execute(select(jobs).where(self._key(platform, ticket_id))).first()
        return _row(row) if row else None

    def list(self, state: str | None = None) -> list[JobRow]:
        query = select(jobs).order_by(jobs.c.updated_at)
        if state:
            query = query.where(jobs.c.state == state)
        with self.db.read() as conn:
            return [_row(r) for r in conn.execute(query)]

    def stale(self) -> Iterator[JobRow]:
        """Running jobs whose worker died or whose lease ran out: to be queued again."""
        now = time.time()
        for job in self.list("running"):
            if (job.lease_expires or 0) < now or _owner_is_dead(job.lease_owner, self.host):
                yield job

    def counts(self) -> dict[str, int]:
        with self.db.read() as conn:
            rows = conn.execute(select(jobs.c.state, func.count().label("n")).group_by(jobs.c.state))
            return {r.state: r.n for r in rows}


class Heartbeat:
    """A daemon thread renewing one lease every ``every`` seconds until stopped."""

    def __init__(self, store: JobStore, platform: str, ticket_id: str, owner: str, every: float) -> None:
        self.store, self.platform, self.ticket_id, self.owner = store, platform, ticket_id, owner
        self.every = max(0.05, every)
        self.renewals = 0
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{platform}-{ticket_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                if self.store.renew(self.platform, self.ticket_id, self.owner):
                    self.renewals += 1
                    continue
                self.lost = True
                log.warning("job lease lost", extra={"platform": self.platform, "ticket_id": self.ticket_id})
                return
            except Exception as exc:  # database briefly unreachable: try again at the next beat
                log.warning("job lease not renewed", extra={"platform": self.platform, "ticket_id": self.ticket_id,
                                                            "error_type": type(exc).__name__})


def _row(r: Any) -> JobRow:
    return JobRow(
        platform=r.platform,
        ticket_id=r.ticket_id,
        state=r.state,
        attempts=r.attempts,
        lease_owner=r.lease_owner,
        lease_expires=r.lease_expires,
        updated_at=r.updated_at,
        last_error=r.last_error,
    )
