"""initial schema

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import connectors.store_schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scanned_at", connectors.store_schema.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scans")),
    )
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scans_scanned_at"), ["scanned_at"], unique=False)

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("folder", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mtime", connectors.store_schema.UtcDateTime(), nullable=False),
        sa.Column("arrival_at", connectors.store_schema.UtcDateTime(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=True),
        sa.Column("period", sa.String(length=7), nullable=True),
        sa.Column("fill_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("info", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["scan_id"], ["scans.id"], name=op.f("fk_submissions_scan_id")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("folder", "sha256", name=op.f("uq_submissions_folder")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_period"), ["period"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_unit_code"), ["unit_code"], unique=False)

    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("excel_row", sa.Integer(), nullable=False),
        sa.Column("complaint_no", sa.String(length=128), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("private_enterprise", sa.Boolean(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("result", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_complaints_submission_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("excel_row", sa.Integer(), nullable=False),
        sa.Column("decision_no", sa.String(length=128), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("party_type", sa.String(length=32), nullable=True),
        sa.Column("credit_code", sa.String(length=128), nullable=True),
        sa.Column("on_spot", sa.Boolean(), nullable=True),
        sa.Column("filed", sa.Boolean(), nullable=True),
        sa.Column("must_publish", sa.Boolean(), nullable=True),
        sa.Column("publication", sa.String(length=32), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("is_major", sa.Boolean(), nullable=True),
        sa.Column("legal_reviewed", sa.Boolean(), nullable=True),
        sa.Column("on_platform", sa.Boolean(), nullable=True),
        sa.Column("transferred", sa.Boolean(), nullable=True),
        sa.Column("fine", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_decisions_submission_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "flexible_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("excel_row", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("method", sa.String(length=32), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_flexible_cases_submission_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flexible_cases")),
    )
    with op.batch_alter_table("flexible_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flexible_cases_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "psych_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("excel_row", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("activity_type", sa.String(length=32), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_psych_activities_submission_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_psych_activities")),
    )
    with op.batch_alter_table("psych_activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_psych_activities_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "roster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("excel_row", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("cert_no", sa.String(length=128), nullable=True),
        sa.Column("cert_status", sa.String(length=32), nullable=True),
        sa.Column("cert_valid_until", sa.Date(), nullable=True),
        sa.Column("is_enforcer", sa.Boolean(), nullable=True),
        sa.Column("is_legal_reviewer", sa.Boolean(), nullable=True),
        sa.Column("is_public_lawyer", sa.Boolean(), nullable=True),
        sa.Column("duty_status", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_roster_submission_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster")),
    )
    with op.batch_alter_table("roster", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roster_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "task_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("excel_row", sa.Integer(), nullable=False),
        sa.Column("task_no", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("remark", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_task_progress_submission_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_progress")),
    )
    with op.batch_alter_table("task_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_progress_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("excel_row", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("cert_no", sa.String(length=128), nullable=True),
        sa.Column("training_date", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("organiser", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_trainings_submission_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainings")),
    )
    with op.batch_alter_table("trainings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trainings_submission_id"), ["submission_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("trainings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trainings_submission_id"))

    op.drop_table("trainings")
    with op.batch_alter_table("task_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_progress_submission_id"))

    op.drop_table("task_progress")
    with op.batch_alter_table("roster", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_submission_id"))

    op.drop_table("roster")
    with op.batch_alter_table("psych_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_psych_activities_submission_id"))

    op.drop_table("psych_activities")
    with op.batch_alter_table("flexible_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flexible_cases_submission_id"))

    op.drop_table("flexible_cases")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_submission_id"))

    op.drop_table("decisions")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_submission_id"))

    op.drop_table("complaints")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_unit_code"))
        batch_op.drop_index(batch_op.f("ix_submissions_period"))

    op.drop_table("submissions")
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scans_scanned_at"))

    op.drop_table("scans")
