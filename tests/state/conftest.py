"""One test body, two engines: the ``db`` fixture is the state database on SQLite (a file
per test) and on PostgreSQL (one database per session, emptied between tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import text

from bridge.audit_chain import GENESIS
from bridge.db import Database
from tests.support.postgres import create_database, drop_database

TABLES = ("decisions", "steps", "jobs", "deliveries", "cursors", "attestations")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = create_database()
    yield url
    from bridge import db as dbmodule

    for key, opened in list(dbmodule._open.items()):
        if key[1].endswith(url.rsplit("/", 1)[-1]):
            opened.dispose()
    drop_database(url)


@pytest.fixture(scope="session")
def postgres_db(postgres_url: str) -> Iterator[Database]:
    database = Database(postgres_url)
    yield database
    database.dispose()


def empty(database: Database) -> None:
    with database.write() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY"))
        conn.execute(text("UPDATE audit_head SET seq=0, hash=:genesis WHERE id=1"), {"genesis": GENESIS})


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(tmp_path / "bridge.db")
        yield database
        database.dispose()
        return
    database = request.getfixturevalue("postgres_db")
    empty(database)
    yield database


@pytest.fixture()
def db_url(db: Database) -> str:
    """The same database as ``db``, as a URL a second process (or a second engine) can open."""
    return db.url.render_as_string(hide_password=False)
