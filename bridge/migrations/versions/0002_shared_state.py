"""Delivery memory and cursors move into the state database (shared by every host).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("first_seen", sa.Double, nullable=False),
    )
    op.create_index("deliveries_first_seen", "deliveries", ["first_seen"])
    op.create_table(
        "cursors",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cursors")
    op.drop_table("deliveries")
