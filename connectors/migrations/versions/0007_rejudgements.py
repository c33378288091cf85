"""复核: the outcomes a re-judgement of stored files replaced, file by file

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rejudgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("adjustment_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["adjustment_id"], ["adjustments.id"], name="fk_rejudgements_adjustment_id"),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], name="fk_rejudgements_submission_id"),
        sa.PrimaryKeyConstraint("id", name="pk_rejudgements"),
    )
    op.create_index("ix_rejudgements_adjustment_id", "rejudgements", ["adjustment_id"])
    op.create_index("ix_rejudgements_submission_id", "rejudgements", ["submission_id"])


def downgrade() -> None:
    op.drop_index("ix_rejudgements_submission_id", table_name="rejudgements")
    op.drop_index("ix_rejudgements_adjustment_id", table_name="rejudgements")
    op.drop_table("rejudgements")
