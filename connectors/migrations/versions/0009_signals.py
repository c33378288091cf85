"""Data-quality signals (issue 25): one row per signal raised on an accepted file, open until a
later file of its unit changes the value or the 司法局 records 已核实 (a decision naming it)

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from connectors.store_schema import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("sheet", sa.String(32), nullable=True),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("column", sa.String(32), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("raised_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], name="fk_signals_submission_id"),
        sa.PrimaryKeyConstraint("id", name="pk_signals"),
    )
    op.create_index("ix_signals_submission_id", "signals", ["submission_id"])
    op.create_index("ix_signals_state", "signals", ["state"])
    with op.batch_alter_table("adjustments") as batch:
        batch.add_column(sa.Column("signal_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_adjustments_signal_id", "signals", ["signal_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("adjustments") as batch:
        batch.drop_constraint("fk_adjustments_signal_id", type_="foreignkey")
        batch.drop_column("signal_id")
    op.drop_index("ix_signals_state", table_name="signals")
    op.drop_index("ix_signals_submission_id", table_name="signals")
    op.drop_table("signals")
