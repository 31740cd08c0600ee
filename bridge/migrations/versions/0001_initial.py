"""The tables of the first releases: decisions, steps, jobs.

Databases made before migrations existed already hold them (same columns): those
are left as they are and only missing tables are created.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "decisions" not in existing:
        op.create_table(
            "decisions",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("platform", sa.Text, nullable=False),
            sa.Column("ticket_id", sa.Text, nullable=False),
            sa.Column("decided_at", sa.Double, nullable=False),
            sa.Column("mode", sa.Text, nullable=False),
            sa.Column("verdict", sa.Text, nullable=False),
            sa.Column("action", sa.Text, nullable=False),
            sa.Column("kinds", sa.Text, nullable=False),
            sa.Column("places", sa.Text, nullable=False),
            sa.Column("reasons", sa.Text, nullable=False),
            sa.Column("rules_hash", sa.Text, nullable=False),
            sa.Column("language", sa.Text),
            sqlite_autoincrement=True,
        )
        op.create_index("decisions_ticket", "decisions", ["platform", "ticket_id"])
        op.create_index("decisions_time", "decisions", ["decided_at"])
    if "steps" not in existing:
        op.create_table(
            "steps",
            sa.Column("platform", sa.Text, nullable=False),
            sa.Column("ticket_id", sa.Text, nullable=False),
            sa.Column("step", sa.Text, nullable=False),
            sa.Column("at", sa.Double, nullable=False),
            sa.Column("detail", sa.Text),
            sa.PrimaryKeyConstraint("platform", "ticket_id", "step"),
        )
    if "jobs" not in existing:
        op.create_table(
            "jobs",
            sa.Column("platform", sa.Text, nullable=False),
            sa.Column("ticket_id", sa.Text, nullable=False),
            sa.Column("state", sa.Text, nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
            sa.Column("lease_owner", sa.Text),
            sa.Column("lease_expires", sa.Double),
            sa.Column("created_at", sa.Double, nullable=False),
            sa.Column("updated_at", sa.Double, nullable=False),
            sa.Column("last_error", sa.Text),
            sa.PrimaryKeyConstraint("platform", "ticket_id"),
        )
        op.create_index("jobs_state", "jobs", ["state"])


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("steps")
    op.drop_table("decisions")
