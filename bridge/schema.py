"""The state tables as SQLAlchemy Core objects (the migrations in bridge/migrations create them)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Double, Integer, MetaData, Table, Text

metadata = MetaData()

decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", Text, nullable=False),
    Column("ticket_id", Text, nullable=False),
    Column("decided_at", Double, nullable=False),
    Column("mode", Text, nullable=False),
    Column("verdict", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("kinds", Text, nullable=False),  # JSON {entity kind: count}
    Column("places", Text, nullable=False),  # JSON {subject|body|attachment: [kinds]} (no file names)
    Column("reasons", Text, nullable=False),  # JSON [rule names / review reasons], no values
    Column("rules_hash", Text, nullable=False),
    Column("language", Text),
    Column("seq", BigInteger, unique=True),  # position in the audit chain
    Column("prev_hash", Text),
    Column("hash", Text),
    sqlite_autoincrement=True,
)

steps = Table(
    "steps", metadata,
    Column("platform", Text, primary_key=True),
    Column("ticket_id", Text, primary_key=True),
    Column("step", Text, primary_key=True),
    Column("at", Double, nullable=False),
    Column("detail", Text),
    Column("seq", BigInteger, unique=True),
    Column("prev_hash", Text),
    Column("hash", Text),
)

# One row (id = 1): the last link of the audit chain. Appends lock it, so writers on any
# number of hosts extend the chain one after the other and never fork it.
audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", Text, nullable=False),
)

attestations = Table(
    "attestations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Double, nullable=False),
    Column("period_from", Text, nullable=False),
    Column("period_to", Text, nullable=False),
    Column("chain_ok", Boolean, nullable=False),
    Column("records", BigInteger, nullable=False),
    Column("report_sha256", Text, nullable=False),
    sqlite_autoincrement=True,
)

jobs = Table(
    "jobs", metadata,
    Column("platform", Text, primary_key=True),
    Column("ticket_id", Text, primary_key=True),
    Column("state", Text, nullable=False),  # running | retrying | done | dead
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("lease_owner", Text),
    Column("lease_expires", Double),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    Column("last_error", Text),
)

deliveries = Table(
    "deliveries", metadata,
    Column("key", Text, primary_key=True),  # delivery:<platform>:<delivery id>
    Column("first_seen", Double, nullable=False),
)

cursors = Table(
    "cursors", metadata,
    Column("name", Text, primary_key=True),  # e.g. backfill:zendesk, retention:jira
    Column("value", Text, nullable=False),
    Column("updated_at", Double, nullable=False),
)

# What a retention run found and did, per (platform, rule, ticket): pending | done | spared |
# failed. Kept only while the run lasts (cleared when it completes), so a killed run resumes.
retention_items = Table(
    "retention_items", metadata,
    Column("platform", Text, primary_key=True),
    Column("rule", Text, primary_key=True),
    Column("ticket_id", Text, primary_key=True),
    Column("seq", BigInteger, nullable=False),  # order found
    Column("state", Text, nullable=False),
    Column("bucket", Text),  # the month of the date the age was counted from (YYYY-MM)
    Column("updated_at", Double, nullable=False),
)
