"""Security: household number counters, throttles, passwords and the second factor.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # One row per year: admissions take the next number with an atomic upsert.
    op.create_table(
        "household_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_household_counters"),
    )
    # Login and public-lookup throttles, one locked row per counter (service/auth/throttle.py).
    op.create_table(
        "throttles",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_throttles"),
    )
    # Passwords and the second factor (service/auth/accounts.py, mfa.py, reset.py).
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.add_column(sa.Column("password_changed_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("totp_secret", sa.String(64)))
        batch.add_column(sa.Column("totp_enabled_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger()))
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("code_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name="fk_recovery_codes_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_recovery_codes"),
        sa.UniqueConstraint("code_sha256", name="uq_recovery_codes_code_sha256"),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"])
    op.create_table(
        "password_resets",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name="fk_password_resets_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_password_resets"),
        sa.UniqueConstraint("token_sha256", name="uq_password_resets_token_sha256"),
    )
    op.create_index("ix_password_resets_user_id", "password_resets", ["user_id"])


def downgrade():
    op.drop_table("password_resets")
    op.drop_table("recovery_codes")
    with op.batch_alter_table("users", recreate="never") as batch:
        for column in ("totp_last_step", "totp_enabled_at", "totp_secret",
                       "password_changed_at"):
            batch.drop_column(column)
    op.drop_table("throttles")
    op.drop_table("household_counters")
