"""Delivery memory: the webhook delivery ids already accepted, so that a platform's
redelivery (or a burst of duplicates across web processes on several hosts) queues the
ticket once. Kept in the state database with the time each id was first seen, and
forgotten after ``BRIDGE_DELIVERY_MEMORY_HOURS``: a later redelivery is still caught
downstream, because the job store and the audit record keep one email and one deletion
per ticket."""

from __future__ import annotations

import time

from sqlalchemy import delete

from bridge.db import Database, upsert
from bridge.schema import deliveries


class DeliveryMemory:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, key: str, now: float | None = None) -> bool:
        """Remember ``key``; False when it was remembered already (a duplicate)."""
        with self.db.write() as conn:
            inserted = conn.execute(
                upsert(self.db, deliveries).values(key=key, first_seen=time.time() if now is None else now)
                .on_conflict_do_nothing().returning(deliveries.c.key)
            ).first()
        return inserted is not None

    def release(self, key: str) -> None:
        """Forget ``key`` at once: its job could not be queued, so the platform's retry must get through."""
        with self.db.write() as conn:
            conn.execute(delete(deliveries).where(deliveries.c.key == key))

    def forget(self, older_than_seconds: float, now: float | None = None) -> int:
        """Drop ids first seen more than ``older_than_seconds`` ago. Returns how many."""
        cutoff = (time.time() if now is None else now) - older_than_seconds
        with self.db.write() as conn:
            return conn.execute(delete(deliveries).where(deliveries.c.first_seen < cutoff)).rowcount
