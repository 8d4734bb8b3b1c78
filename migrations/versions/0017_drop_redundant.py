"""drop what nothing reads: the rate_events table (the rate limits count in the
throttles table since 0011) and the single-column indexes that a composite index
beginning with the same column now serves (0009, 0015, 0016)

Revision ID: 0017
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None

# (index, table, columns): each is the first column(s) of an index that stays.
REDUNDANT = [
    ('ix_contacts_household_id', 'contacts', ['household_id']),
    ('ix_contacts_household_id_on', 'contacts', ['household_id', 'on']),
    ('ix_tenancies_household_id', 'tenancies', ['household_id']),
    ('ix_referral_decisions_referral_id', 'referral_decisions', ['referral_id']),
    ('ix_referrals_structure_id', 'referrals', ['structure_id']),
    ('ix_referrals_status', 'referrals', ['status']),
    ('ix_households_team_structure_id', 'households', ['team_structure_id']),
]


def upgrade():
    for name, table, _ in REDUNDANT:
        op.drop_index(name, table_name=table)
    op.drop_index('ix_rate_events_at', table_name='rate_events')
    op.drop_index('ix_rate_events_key', table_name='rate_events')
    op.drop_table('rate_events')


def downgrade():
    op.create_table(
        'rate_events',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('key', sa.String(120), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_rate_events'),
    )
    op.create_index('ix_rate_events_key', 'rate_events', ['key'])
    op.create_index('ix_rate_events_at', 'rate_events', ['at'])
    for name, table, columns in reversed(REDUNDANT):
        op.create_index(name, table, columns, unique=False)
