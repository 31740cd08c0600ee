"""A retention run's state in the state database, so that a run killed at any point resumes
without deleting a ticket twice or skipping one.

Per (platform, rule):
- a run record (``cursors`` row ``retention:<platform>:<rule>``): the cutoff the run began
  with, the rule's fingerprint, the platform's search cursor and whether the search is done;
- the ids found (``retention_items``), each ``pending`` until its batch ends ``done``,
  ``spared`` (no longer expired or in scope) or ``failed``;
- the batch in flight (``cursors`` row ``…:batch``): its ids and the adapter's own progress
  (job ids), written before the platform is asked to delete anything.

A page of ids and the cursor after it are written in one transaction, and so are a batch's
outcomes and the removal of its journal. Nothing here holds personal data: ids, dates, names.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from bridge.db import Database, upsert
from bridge.platform import ExpiredTicket
from bridge.schema import cursors, retention_items

PENDING, DONE, SPARED, FAILED = "pending", "done", "spared", "failed"


@dataclass
class RunState:
    fingerprint: str
    cutoff: str  # ISO 8601, UTC
    cursor: str | None = None
    collected: bool = False
    next_seq: int = 0

    @property
    def cutoff_time(self) -> datetime:
        return datetime.fromisoformat(self.cutoff)


def bucket(when: datetime | None) -> str | None:
    """The month a ticket's age was counted from: enough for the audit, not a date to match."""
    return f"{when.year:04d}-{when.month:02d}" if when is not None else None


class RetentionStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def _name(platform: str, rule: str, batch: bool = False) -> str:
        return f"retention:{platform}:{rule}" + (":batch" if batch else "")

    def _put(self, conn: Connection, name: str, value: dict[str, Any]) -> None:
        statement = upsert(self.db, cursors).values(name=name, value=json.dumps(value, sort_keys=True),
                                                    updated_at=time.time())
        conn.execute(statement.on_conflict_do_update(
            index_elements=[cursors.c.name],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at}))

    def _get(self, name: str) -> dict[str, Any] | None:
        with self.db.read() as conn:
            raw = conn.execute(select(cursors.c.value).where(cursors.c.name == name)).scalar()
        return json.loads(raw) if raw else None

    # ------------------------------------------------------------------ the run

    def state(self, platform: str, rule: str) -> RunState | None:
        raw = self._get(self._name(platform, rule))
        return RunState(**raw) if raw else None

    def begin(self, platform: str, rule: str, state: RunState) -> None:
        with self.db.write() as conn:
            self._put(conn, self._name(platform, rule), asdict(state))

    def add_found(self, platform: str, rule: str, tickets: Iterable[ExpiredTicket], state: RunState) -> int:
        """Store a page of ids (ids already known are kept as they are) and the cursor after it."""
        now = time.time()
        added = 0
        with self.db.write() as conn:
            for ticket in tickets:
                statement = upsert(self.db, retention_items).values(
                    platform=platform, rule=rule, ticket_id=ticket.id, seq=state.next_seq, state=PENDING,
                    bucket=bucket(ticket.date), updated_at=now).on_conflict_do_nothing().returning(
                    retention_items.c.ticket_id)
                if conn.execute(statement).first() is not None:  # rowcount is not reliable on PostgreSQL
                    state.next_seq += 1
                    added += 1
            self._put(conn, self._name(platform, rule), asdict(state))
        return added

    def pending(self, platform: str, rule: str, limit: int) -> list[tuple[str, str | None]]:
        """The next ids to delete, in the order found, with their month."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(retention_items.c.ticket_id, retention_items.c.bucket)
                .where((retention_items.c.platform == platform) & (retention_items.c.rule == rule)
                       & (retention_items.c.state == PENDING))
                .order_by(retention_items.c.seq).limit(limit)).all()
        return [(r.ticket_id, r.bucket) for r in rows]

    def buckets(self, platform: str, rule: str, ids: list[str]) -> dict[str, str | None]:
        with self.db.read() as conn:
            rows = conn.execute(
                select(retention_items.c.ticket_id, retention_items.c.bucket)
                .where((retention_items.c.platform == platform) & (retention_items.c.rule == rule)
                       & retention_items.c.ticket_id.in_(ids))).all()
        return {r.ticket_id: r.bucket for r in rows}

    def counts(self, platform: str, rule: str) -> dict[str, int]:
        with self.db.read() as conn:
            rows = conn.execute(
                select(retention_items.c.state, func.count().label("n"))
                .where((retention_items.c.platform == platform) & (retention_items.c.rule == rule))
                .group_by(retention_items.c.state)).all()
        return {r.state: int(r.n) for r in rows}

    def clear(self, platform: str, rule: str) -> None:
        """The run is over: forget its ids, its record and any batch journal."""
        with self.db.write() as conn:
            conn.execute(delete(retention_items).where((retention_items.c.platform == platform)
                                                       & (retention_items.c.rule == rule)))
            conn.execute(delete(cursors).where(cursors.c.name.in_(
                [self._name(platform, rule), self._name(platform, rule, batch=True)])))

    def drop_pending(self, platform: str, rule: str) -> None:
        with self.db.write() as conn:
            conn.execute(delete(retention_items).where((retention_items.c.platform == platform)
                                                       & (retention_items.c.rule == rule)
                                                       & (retention_items.c.state == PENDING)))

    def runs(self) -> list[tuple[str, str, bool]]:
        """Every stopped run: (platform, rule, whether a batch was in flight)."""
        with self.db.read() as conn:
            names = [r[0] for r in conn.execute(select(cursors.c.name).where(cursors.c.name.like("retention:%:%")))]
        found = []
        for name in names:
            parts = name.split(":")
            if len(parts) == 3:
                found.append((parts[1], parts[2], f"{name}:batch" in names))
        return found

    # ------------------------------------------------------------------ the batch in flight

    def batch(self, platform: str, rule: str) -> dict[str, Any] | None:
        return self._get(self._name(platform, rule, batch=True))

    def start_batch(self, platform: str, rule: str, ids: list[str]) -> None:
        with self.db.write() as conn:
            self._put(conn, self._name(platform, rule, batch=True), {"ids": ids, "adapter": {}})

    def save_adapter_state(self, platform: str, rule: str, ids: list[str], adapter: dict[str, Any]) -> None:
        with self.db.write() as conn:
            self._put(conn, self._name(platform, rule, batch=True), {"ids": ids, "adapter": adapter})

    def finish_batch(self, platform: str, rule: str, outcomes: dict[str, str]) -> None:
        """Each id's new state (done / spared / failed) and the journal's removal, at once."""
        now = time.time()
        key = (retention_items.c.platform == platform) & (retention_items.c.rule == rule)
        with self.db.write() as conn:
            for state in (DONE, SPARED, FAILED):
                ids = [i for i, s in outcomes.items() if s == state]
                if ids:
                    conn.execute(update(retention_items).where(key & retention_items.c.ticket_id.in_(ids))
                                 .values(state=state, updated_at=now))
            conn.execute(delete(cursors).where(cursors.c.name == self._name(platform, rule, batch=True)))


class Journal:
    """``bridge.platform.BatchJournal`` for one batch: the adapter's progress, in the database."""

    def __init__(self, store: RetentionStore, platform: str, rule: str, ids: list[str],
                 state: dict[str, Any] | None = None) -> None:
        self._store, self._platform, self._rule, self._ids = store, platform, rule, ids
        self._state = dict(state or {})

    def load(self) -> dict[str, Any]:
        return dict(self._state)

    def save(self, state: dict[str, Any]) -> None:
        self._store.save_adapter_state(self._platform, self._rule, self._ids, state)
        self._state = dict(state)
