"""Cursors survive a restart; the schema is migrated at start-up, also from a database
made before migrations existed, and processes starting together migrate once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from bridge.audit import AuditLog
from bridge.cursors import CursorStore
from bridge.db import Database
from bridge.migrate import HEAD, current_revision, head_revision

ROOT = Path(__file__).resolve().parents[2]

LEGACY_SCHEMA = """
CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, platform TEXT NOT NULL, ticket_id TEXT NOT NULL,
    decided_at REAL NOT NULL, mode TEXT NOT NULL, verdict TEXT NOT NULL, action TEXT NOT NULL, kinds TEXT NOT NULL,
    places TEXT NOT NULL, reasons TEXT NOT NULL, rules_hash TEXT NOT NULL, language TEXT);
CREATE TABLE steps (platform TEXT NOT NULL, ticket_id TEXT NOT NULL, step TEXT NOT NULL, at REAL NOT NULL,
    detail TEXT, PRIMARY KEY (platform, ticket_id, step));
CREATE TABLE jobs (platform TEXT NOT NULL, ticket_id TEXT NOT NULL, state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, lease_owner TEXT, lease_expires REAL, created_at REAL NOT NULL,
    updated_at REAL NOT NULL, last_error TEXT, PRIMARY KEY (platform, ticket_id));
INSERT INTO decisions (platform, ticket_id, decided_at, mode, verdict, action, kinds, places, reasons, rules_hash,
    language) VALUES ('zendesk', '1', 100.5, 'enforce', 'violation', 'delete', '{}', '{}', '[]', 'old', 'en');
INSERT INTO steps VALUES ('zendesk', '1', 'notified', 101.25, '<m@x>');
INSERT INTO steps VALUES ('zendesk', '1', 'deleted', 102.0, 'job 9');
INSERT INTO jobs VALUES ('zendesk', '1', 'done', 1, NULL, NULL, 100.0, 102.0, NULL);
"""


def test_a_cursor_is_kept_and_replaced(db) -> None:
    cursors = CursorStore(db)
    assert cursors.get("backfill:zendesk") is None
    cursors.set("backfill:zendesk", "page-2")
    cursors.set("backfill:zendesk", "page-3")
    assert CursorStore(Database(db.url.render_as_string(hide_password=False))).get("backfill:zendesk") == "page-3"
    cursors.clear("backfill:zendesk")
    assert cursors.get("backfill:zendesk") is None


def test_a_new_database_is_at_the_newest_schema(db) -> None:
    assert current_revision(db) == head_revision() == HEAD, "bridge.migrate.HEAD names the newest migration"


def test_a_database_from_before_migrations_keeps_its_records_and_gets_them_chained(tmp_path) -> None:
    path = tmp_path / "bridge.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(LEGACY_SCHEMA)
    db = Database(path)
    assert current_revision(db) == head_revision()
    log = AuditLog(db)
    [record] = list(log.records())
    assert [s["step"] for s in record["steps"]] == ["notified", "deleted"]
    report = log.verify()
    assert report.ok and report.records == 3
    log.record_step("zendesk", "1", "cleared")
    assert log.verify().ok and log.verify().head_seq == 4


def test_processes_starting_together_migrate_once(tmp_path) -> None:
    from tests.support.postgres import create_database, drop_database

    url = create_database("gdpr_test_migrate")
    try:
        code = "import sys; from bridge.db import Database; Database(sys.argv[1])"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        children = [subprocess.Popen([sys.executable, "-c", code, url], env=env, stderr=subprocess.PIPE)
                    for _ in range(4)]
        results = [(child.wait(120), child.stderr.read().decode()[-500:]) for child in children]  # type: ignore[union-attr]
        assert [r[0] for r in results] == [0] * 4, results
        db = Database(url)
        with db.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM audit_head")).scalar() == 1
        db.dispose()
    finally:
        drop_database(url)
