"""owed receipts: a 回执 is an obligation recorded with the file

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import connectors.store_schema

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("readable", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("receipt_at", connectors.store_schema.UtcDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_submissions_receipt_at"), ["receipt_at"], unique=False)
    # Files recorded before this revision had their 回执 written by the run that read them.
    op.execute("UPDATE submissions SET receipt_at = arrival_at")


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_receipt_at"))
        batch_op.drop_column("receipt_at")
        batch_op.drop_column("readable")
