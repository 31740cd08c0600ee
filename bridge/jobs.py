"""Job state beside the queue: leases, so one ticket is worked on by one worker at a
time, and a record that survives a worker killed mid-job.

huey removes a job from the queue when a worker takes it, so a worker killed with
SIGKILL would lose it. Every job therefore takes a lease here first; a job whose
lease has expired, or whose owner is a dead process on this host, is found by
``stale()`` and queued again. Jobs that keep failing end ``dead`` with the reason.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Iterator

from bridge.db import Database

DEFAULT_LEASE_SECONDS = 900.0


def this_owner() -> str:
    """``host:pid:thread``: a worker process runs several threads, and a thread must not
    take over the lease of another thread of its own process."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _owner_is_dead(owner: str | None) -> bool:
    """True when the owner was a process on this host that no longer runs."""
    if not owner:
        return True
    parts = owner.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        host, pid = parts[0], parts[1]
    else:  # host:pid, as written before leases named the thread
        host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
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
    def __init__(self, db: Database, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        self.db = db
        self.lease_seconds = lease_seconds

    def acquire(self, platform: str, ticket_id: str, owner: str | None = None) -> str:
        """Take the lease. Returns ``acquired``, ``done`` (nothing left to do) or ``busy``."""
        owner = owner or this_owner()
        now = time.time()
        conn = self.db.connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT state, lease_owner, lease_expires FROM jobs WHERE platform=? AND ticket_id=?",
                (platform, ticket_id),
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO jobs (platform, ticket_id, state, attempts, lease_owner, lease_expires,"
                    " created_at, updated_at) VALUES (?,?, 'running', 1, ?, ?, ?, ?)",
                    (platform, ticket_id, owner, now + self.lease_seconds, now, now),
                )
                outcome = "acquired"
            elif row["state"] == "done":
                outcome = "done"
            elif (
                row["state"] == "running"
                and row["lease_owner"] != owner
                and (row["lease_expires"] or 0) > now
                and not _owner_is_dead(row["lease_owner"])
            ):
                outcome = "busy"
            else:
                conn.execute(
                    "UPDATE jobs SET state='running', attempts=attempts+1, lease_owner=?, lease_expires=?,"
                    " updated_at=? WHERE platform=? AND ticket_id=?",
                    (owner, now + self.lease_seconds, now, platform, ticket_id),
                )
                outcome = "acquired"
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return outcome

    def reopen(self, platform: str, ticket_id: str, reason: str) -> bool:
        """Make a ``done`` job takeable again (monitor mode's decision, now to be enforced).
        True for the one caller that reopened it; concurrent callers get False."""
        cursor = self.db.connect().execute(
            "UPDATE jobs SET state='retrying', updated_at=?, last_error=? WHERE platform=? AND ticket_id=?"
            " AND state='done'",
            (time.time(), reason, platform, ticket_id),
        )
        return cursor.rowcount == 1

    def _finish(self, platform: str, ticket_id: str, state: str, error: str | None) -> None:
        self.db.connect().execute(
            "UPDATE jobs SET state=?, lease_owner=NULL, lease_expires=NULL, updated_at=?, last_error=?"
            " WHERE platform=? AND ticket_id=?",
            (state, time.time(), error, platform, ticket_id),
        )

    def done(self, platform: str, ticket_id: str) -> None:
        self._finish(platform, ticket_id, "done", None)

    def retrying(self, platform: str, ticket_id: str, error: str) -> None:
        self._finish(platform, ticket_id, "retrying", error)

    def dead(self, platform: str, ticket_id: str, error: str) -> None:
        self._finish(platform, ticket_id, "dead", error)

    def get(self, platform: str, ticket_id: str) -> JobRow | None:
        row = self.db.connect().execute(
            "SELECT * FROM jobs WHERE platform=? AND ticket_id=?", (platform, ticket_id)
        ).fetchone()
        return _row(row) if row else None

    def list(self, state: str | None = None) -> list[JobRow]:
        conn = self.db.connect()
        if state:
            rows = conn.execute("SELECT * FROM jobs WHERE state=? ORDER BY updated_at", (state,))
        else:
            rows = conn.execute("SELECT * FROM jobs ORDER BY updated_at")
        return [_row(r) for r in rows]

    def stale(self) -> Iterator[JobRow]:
        """Running jobs whose worker died or whose lease ran out: to be queued again."""
        now = time.time()
        for job in self.list("running"):
            if (job.lease_expires or 0) < now or _owner_is_dead(job.lease_owner):
                yield job

    def counts(self) -> dict[str, int]:
        rows = self.db.connect().execute("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
        return {r["state"]: r["n"] for r in rows}


def _row(row: object) -> JobRow:
    r = row  # sqlite3.Row
    return JobRow(
        platform=r["platform"],  # type: ignore[index]
        ticket_id=r["ticket_id"],  # type: ignore[index]
        state=r["state"],  # type: ignore[index]
        attempts=r["attempts"],  # type: ignore[index]
        lease_owner=r["lease_owner"],  # type: ignore[index]
        lease_expires=r["lease_expires"],  # type: ignore[index]
        updated_at=r["updated_at"],  # type: ignore[index]
        last_error=r["last_error"],  # type: ignore[index]
    )
