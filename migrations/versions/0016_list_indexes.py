"""list indexes: the inbox, « Mes fiches », the API list of fiches and « Ménages accompagnés »
read a page in the index's order (most recent first), filtered by structure, status or team

Revision ID: 0016
Revises: 0014
"""
from alembic import op

revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None

INDEXES = [
    # The Plateforme's inbox, all fiches: received_at DESC, id DESC (read backwards).
    ('ix_referrals_received_at_id', 'referrals', ['received_at', 'id']),
    # « Mes fiches », the API list of an orienteur, the inbox filtered by structure.
    ('ix_referrals_structure_id_received_at_id', 'referrals',
     ['structure_id', 'received_at', 'id']),
    # The inbox filtered by status (« Reçue – en attente de décision »…).
    ('ix_referrals_status_received_at_id', 'referrals', ['status', 'received_at', 'id']),
    # « Ménages accompagnés » of the Plateforme (every household), then of a team.
    ('ix_households_created_at_id', 'households', ['created_at', 'id']),
    ('ix_households_team_structure_id_created_at_id', 'households',
     ['team_structure_id', 'created_at', 'id']),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
