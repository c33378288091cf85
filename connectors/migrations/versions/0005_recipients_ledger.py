"""each recipient of a mail on its own: accepted once, refused for good reported once

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivered_to", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("refused", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("emails", schema=None) as batch_op:
        batch_op.drop_column("refused")
        batch_op.drop_column("delivered_to")
