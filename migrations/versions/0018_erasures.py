"""erasures: the tombstones of the subjects erased at the end of their retention period, and
the registry versions whose content they erased; the append-only triggers of the registry,
the signatures and the decisions allow one kind of update: emptying what an erasure names

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# When an update of an append-only row is an erasure (SQL true for the row OLD/NEW): the
# erasure is recorded first, and what identifies and chains the row does not change.
ERASABLE = {
    "registry_entries": """EXISTS (SELECT 1 FROM erased_entries WHERE entry_id = OLD.id)
        AND NEW.id = OLD.id AND NEW.seq = OLD.seq AND NEW.prev_hash = OLD.prev_hash
        AND NEW.row_hash = OLD.row_hash AND NEW.snapshot_sha256 = OLD.snapshot_sha256""",
    "signatures": """EXISTS (SELECT 1 FROM erased_entries WHERE entry_id = OLD.entry_id)
        AND NEW.id = OLD.id AND NEW.entry_id = OLD.entry_id""",
    "referral_decisions": """(EXISTS (SELECT 1 FROM erasures WHERE subject_id = OLD.referral_id)
        OR EXISTS (SELECT 1 FROM referrals r JOIN erasures e ON e.subject_id = r.household_id
                   WHERE r.id = OLD.referral_id))
        AND NEW.id = OLD.id AND NEW.referral_id = OLD.referral_id""",
}
# The trigger each table has today (0002, 0005), as each dialect names it.
PG_TRIGGER = "{table}_append_only"
SQLITE_TRIGGER = "{table}_no_update"
SQLITE_MESSAGE = {"registry_entries": "append-only table registry_entries",
                  "referral_decisions": "append-only table referral_decisions"}


def _append_only(table):
    """The triggers of migrations/0002 and 0005 on `table`, and of 0018 on the new tables."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                       FOR EACH ROW EXECUTE FUNCTION forbid_change()""")
        op.execute(f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                       FOR EACH STATEMENT EXECUTE FUNCTION forbid_change()""")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                           BEGIN SELECT RAISE(ABORT, 'append-only table {table}'); END""")


def upgrade():
    op.create_table(
        'erasures',
        sa.Column('id', sa.String(36), nullable=False),
        sa.Column('subject_type', sa.String(20), nullable=False),
        sa.Column('subject_id', sa.String(36), nullable=False),
        sa.Column('subject_digest', sa.String(64), nullable=False),
        sa.Column('rule', sa.String(40), nullable=False),
        sa.Column('legal_basis', sa.Text(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('receipt_sha256', sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_erasures'),
        sa.UniqueConstraint('subject_id', name='uq_erasures_subject_id'),
    )
    op.create_table(
        'erased_entries',
        sa.Column('entry_id', sa.String(36), nullable=False),
        sa.Column('erasure_id', sa.String(36), nullable=False),
        sa.Column('render_meta_sha256', sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['registry_entries.id'],
                                name='fk_erased_entries_entry_id_registry_entries'),
        sa.ForeignKeyConstraint(['erasure_id'], ['erasures.id'],
                                name='fk_erased_entries_erasure_id_erasures'),
        sa.PrimaryKeyConstraint('entry_id', name='pk_erased_entries'),
    )
    op.create_index('ix_erased_entries_erasure_id', 'erased_entries', ['erasure_id'])
    _append_only('erasures')
    _append_only('erased_entries')
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, allowed in ERASABLE.items():
        if postgres:
            op.execute(f"""
                CREATE OR REPLACE FUNCTION {table}_erasure_only() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP = 'UPDATE' AND {allowed} THEN RETURN NEW; END IF;
                  RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP;
                END $$ LANGUAGE plpgsql""")
            op.execute(f"DROP TRIGGER {PG_TRIGGER.format(table=table)} ON {table}")
            op.execute(f"""CREATE TRIGGER {PG_TRIGGER.format(table=table)}
                           BEFORE UPDATE OR DELETE ON {table}
                           FOR EACH ROW EXECUTE FUNCTION {table}_erasure_only()""")
        else:
            message = SQLITE_MESSAGE.get(table, "append-only table")
            op.execute(f"DROP TRIGGER {SQLITE_TRIGGER.format(table=table)}")
            op.execute(f"""CREATE TRIGGER {SQLITE_TRIGGER.format(table=table)}
                           BEFORE UPDATE ON {table} WHEN NOT ({allowed})
                           BEGIN SELECT RAISE(ABORT, '{message}'); END""")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in ERASABLE:
        if postgres:
            op.execute(f"DROP TRIGGER {PG_TRIGGER.format(table=table)} ON {table}")
            op.execute(f"DROP FUNCTION {table}_erasure_only()")
            op.execute(f"""CREATE TRIGGER {PG_TRIGGER.format(table=table)}
                           BEFORE UPDATE OR DELETE ON {table}
                           FOR EACH ROW EXECUTE FUNCTION forbid_change()""")
        else:
            message = SQLITE_MESSAGE.get(table, "append-only table")
            op.execute(f"DROP TRIGGER {SQLITE_TRIGGER.format(table=table)}")
            op.execute(f"""CREATE TRIGGER {SQLITE_TRIGGER.format(table=table)}
                           BEFORE UPDATE ON {table}
                           BEGIN SELECT RAISE(ABORT, '{message}'); END""")
    op.drop_table('erased_entries')
    op.drop_table('erasures')
