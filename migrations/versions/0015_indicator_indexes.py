"""indicator indexes: a household's contacts by day with their kind, its dwellings by entry
date, a fiche's decisions by date (what the bilan's indicators read, from the index alone)

Revision ID: 0015
Revises: 0016
"""
from alembic import op

revision = '0015'
down_revision = '0016'
branch_labels = None
depends_on = None

INDEXES = [
    # Contacts of the team's households in the period, by type, and by household and month.
    ('ix_contacts_household_id_on_kind', 'contacts', ['household_id', 'on', 'kind']),
    # Each household's first dwelling and its dwelling on a given day.
    ('ix_tenancies_household_id_entry_date', 'tenancies', ['household_id', 'entry_date']),
    # Each fiche's first and last decisions, the admissions.
    ('ix_referral_decisions_referral_id_at', 'referral_decisions', ['referral_id', 'at']),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
