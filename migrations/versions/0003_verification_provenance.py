"""Verification codes, render metadata and template name on registry rows; revocations;
rate-limit events.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registry_entries", recreate="never") as batch:
        batch.add_column(sa.Column("verification_code", sa.String(14), nullable=True))
        batch.add_column(sa.Column("render_meta", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("template_name", sa.String(100), nullable=True))
    op.create_index("uq_registry_entries_verification_code", "registry_entries",
                    ["verification_code"], unique=True)
    op.create_table(
        "revocations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("by_id", sa.String(36), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["registry_entries.id"],
                                name="fk_revocations_entry_id_registry_entries"),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name="fk_revocations_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_revocations"),
        sa.UniqueConstraint("entry_id", name="uq_revocations_entry_id"),
    )
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rate_events"),
    )
    op.create_index("ix_rate_events_key", "rate_events", ["key"])
    op.create_index("ix_rate_events_at", "rate_events", ["at"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("""CREATE TRIGGER revocations_append_only BEFORE UPDATE OR DELETE ON revocations
                      FOR EACH ROW EXECUTE FUNCTION forbid_change()""")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER revocations_no_{action.lower()} BEFORE {action}
                           ON revocations BEGIN SELECT RAISE(ABORT, 'append-only table'); END""")


def downgrade():
    op.drop_table("rate_events")
    op.drop_table("revocations")
    op.drop_index("uq_registry_entries_verification_code", "registry_entries")
    with op.batch_alter_table("registry_entries") as batch:
        batch.drop_column("template_name")
        batch.drop_column("render_meta")
        batch.drop_column("verification_code")
