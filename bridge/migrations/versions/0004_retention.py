"""Retention: the ids a retention run has found, and what became of each, so that a run
killed half-way resumes without deleting a ticket twice or skipping one.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_items",
        sa.Column("platform", sa.Text, primary_key=True),
        sa.Column("rule", sa.Text, primary_key=True),
        sa.Column("ticket_id", sa.Text, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("bucket", sa.Text),
        sa.Column("updated_at", sa.Double, nullable=False),
    )
    op.create_index("retention_items_state", "retention_items", ["platform", "rule", "state", "seq"])


def downgrade() -> None:
    op.drop_index("retention_items_state", table_name="retention_items")
    op.drop_table("retention_items")
