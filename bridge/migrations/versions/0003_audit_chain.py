"""The tamper-evident audit: every decision and step carries its place in one chain
(``seq``), the hash of the record before and its own hash; ``audit_head`` holds the
last link. Records written before this revision are chained here, oldest first.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from bridge.audit_chain import GENESIS, decision_content, link, step_content

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("decisions", "steps"):
        op.add_column(table, sa.Column("seq", sa.BigInteger))
        op.add_column(table, sa.Column("prev_hash", sa.Text))
        op.add_column(table, sa.Column("hash", sa.Text))
        op.create_index(f"{table}_seq", table, ["seq"], unique=True)
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
    )
    op.create_table(
        "attestations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Double, nullable=False),
        sa.Column("period_from", sa.Text, nullable=False),
        sa.Column("period_to", sa.Text, nullable=False),
        sa.Column("chain_ok", sa.Boolean, nullable=False),
        sa.Column("records", sa.BigInteger, nullable=False),
        sa.Column("report_sha256", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    bind = op.get_bind()
    decisions = [dict(r._mapping) for r in bind.execute(sa.text("SELECT * FROM decisions ORDER BY id"))]
    steps = [dict(r._mapping) for r in bind.execute(sa.text("SELECT * FROM steps ORDER BY at"))]
    existing = sorted([(d["decided_at"], 0, d["id"], "decision", d) for d in decisions]
                      + [(s["at"], 1, 0, "step", s) for s in steps], key=lambda item: item[:3])
    prev, seq = GENESIS, 0
    for _, _, _, kind, row in existing:
        seq += 1
        if kind == "decision":
            digest = link(prev, decision_content(row, seq))
            bind.execute(sa.text("UPDATE decisions SET seq=:seq, prev_hash=:prev, hash=:hash WHERE id=:id"),
                         {"seq": seq, "prev": prev, "hash": digest, "id": row["id"]})
        else:
            digest = link(prev, step_content(row, seq))
            bind.execute(sa.text("UPDATE steps SET seq=:seq, prev_hash=:prev, hash=:hash"
                                 " WHERE platform=:p AND ticket_id=:t AND step=:s"),
                         {"seq": seq, "prev": prev, "hash": digest, "p": row["platform"], "t": row["ticket_id"],
                          "s": row["step"]})
        prev = digest
    bind.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, :seq, :hash)"),
                 {"seq": seq, "hash": prev})


def downgrade() -> None:
    op.drop_table("attestations")
    op.drop_table("audit_head")
    for table in ("steps", "decisions"):
        op.drop_index(f"{table}_seq", table)
        for column in ("hash", "prev_hash", "seq"):
            op.drop_column(table, column)
