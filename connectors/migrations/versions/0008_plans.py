"""Plans as data: each imported 任务分工方案, one per period of years, never edited

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from connectors.store_schema import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("year_from", sa.Integer(), nullable=False),
        sa.Column("year_to", sa.Integer(), nullable=False),
        sa.Column("from_period", sa.String(length=7), nullable=False),
        sa.Column("tasks", sa.JSON(), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("replaces", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
    )


def downgrade() -> None:
    op.drop_table("plans")
