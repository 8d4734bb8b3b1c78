"""Jobs users can see (long work on Celery); files added to a version later, hash-chained.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("requested_by_id", sa.String(36), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(300), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"],
                                name="fk_jobs_requested_by_id_users"),
        sa.ForeignKeyConstraint(["entry_id"], ["registry_entries.id"],
                                name="fk_jobs_entry_id_registry_entries"),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
    )
    op.create_index("ix_jobs_kind", "jobs", ["kind"])
    op.create_index("ix_jobs_state", "jobs", ["state"])
    op.create_index("ix_jobs_subject_id", "jobs", ["subject_id"])
    with op.batch_alter_table("registry_files", recreate="never") as batch:
        batch.add_column(sa.Column("added_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("row_hash", sa.String(64), nullable=True))
    op.create_index("uq_registry_files_prev_hash", "registry_files", ["prev_hash"], unique=True)
    op.create_index("uq_registry_files_row_hash", "registry_files", ["row_hash"], unique=True)


def downgrade():
    op.drop_index("uq_registry_files_row_hash", "registry_files")
    op.drop_index("uq_registry_files_prev_hash", "registry_files")
    with op.batch_alter_table("registry_files", recreate="never") as batch:
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
        batch.drop_column("added_at")
    op.drop_table("jobs")
