"""the 司法局's decisions: 延期, 免报, 撤销受理 and their revocation, audited

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from connectors.store_schema import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("revokes", sa.Integer(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], name="fk_adjustments_submission_id"),
        sa.ForeignKeyConstraint(["revokes"], ["adjustments.id"], name="fk_adjustments_revokes"),
        sa.PrimaryKeyConstraint("id", name="pk_adjustments"),
    )
    op.create_index("ix_adjustments_unit_code", "adjustments", ["unit_code"])


def downgrade() -> None:
    op.drop_index("ix_adjustments_unit_code", table_name="adjustments")
    op.drop_table("adjustments")
