"""One retention run at a time, across every worker and host: a lease in the state database
(a ``cursors`` row), renewed while the run is alive. A run killed with SIGKILL leaves the lease
behind: a process on the same host takes it over at once (its owner is gone), another host
once it runs out (``BRIDGE_LEASE_SECONDS``)."""

from __future__ import annotations

import json
import threading
import time
from types import TracebackType

from sqlalchemy import delete, select, update

from bridge.db import Database, upsert
from bridge.jobs import _owner_is_dead, this_owner
from bridge.schema import cursors

LOCK_NAME = "lock:retention"


class LockBusy(Exception):
    """Another run holds the lock; the message names its holder (host:pid), nothing else."""


class RunLock:
    def __init__(self, db: Database, lease_seconds: float = 120.0, host: str | None = None,
                 name: str = LOCK_NAME) -> None:
        self.db, self.lease_seconds, self.host, self.name = db, lease_seconds, host, name
        self.owner = this_owner(host)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lost = False

    def acquire(self) -> None:
        now = time.time()
        mine = json.dumps({"owner": self.owner, "expires": now + self.lease_seconds})
        with self.db.write() as conn:
            conn.execute(upsert(self.db, cursors).values(name=self.name, value=mine, updated_at=now)
                         .on_conflict_do_nothing())
            raw = conn.execute(select(cursors.c.value).where(cursors.c.name == self.name).with_for_update()).scalar()
            held = json.loads(raw or "{}")
            owner = held.get("owner")
            if owner != self.owner and float(held.get("expires") or 0) > now and not _owner_is_dead(owner, self.host):
                holder = str(owner or "?").rsplit(":", 1)[0]  # host:pid
                raise LockBusy(f"another retention run holds the lock ({holder})")
            conn.execute(update(cursors).where(cursors.c.name == self.name).values(value=mine, updated_at=now))
        self._thread = threading.Thread(target=self._renew, name="retention-lock", daemon=True)
        self._thread.start()

    def _renew(self) -> None:
        while not self._stop.wait(max(0.05, self.lease_seconds / 4)):
            now = time.time()
            mine = json.dumps({"owner": self.owner, "expires": now + self.lease_seconds})
            try:
                with self.db.write() as conn:
                    raw = conn.execute(select(cursors.c.value).where(cursors.c.name == self.name)
                                       .with_for_update()).scalar()
                    if json.loads(raw or "{}").get("owner") != self.owner:
                        self.lost = True
                        return
                    conn.execute(update(cursors).where(cursors.c.name == self.name).values(value=mine, updated_at=now))
            except Exception:  # the database is away for a moment: try again at the next beat
                continue

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self.db.write() as conn:
            raw = conn.execute(select(cursors.c.value).where(cursors.c.name == self.name).with_for_update()).scalar()
            if raw and json.loads(raw).get("owner") == self.owner:
                conn.execute(delete(cursors).where(cursors.c.name == self.name))

    def __enter__(self) -> "RunLock":
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
