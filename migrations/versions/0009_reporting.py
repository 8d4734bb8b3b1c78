"""records of the bilans (expenses, staff time, collective actions)

Expenses ledger, forecast lines and gap explanations (finance), staff posts, collective
actions and analyse de pratiques sessions with their attendance (reporting); the indexes the
indicators need on contacts (household, day) and households (team).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('collective_actions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('structure_id', sa.String(length=36), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_collective_actions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_collective_actions_structure_id_structures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collective_actions'))
    )
    with op.batch_alter_table('collective_actions', schema=None) as batch_op:
        batch_op.create_index('ix_collective_actions_structure_id_on', ['structure_id', 'on'], unique=False)

    op.create_table('expenses',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('structure_id', sa.String(length=36), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('account', sa.String(length=10), nullable=False),
    sa.Column('funder', sa.String(length=30), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=True),
    sa.Column('supporting_sha256', sa.String(length=64), nullable=True),
    sa.Column('import_id', sa.String(length=36), nullable=True),
    sa.Column('recorded_by_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_expenses_household_id_households')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_expenses_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_expenses_structure_id_structures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expenses'))
    )
    with op.batch_alter_table('expenses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expenses_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_expenses_structure_id_on', ['structure_id', 'on'], unique=False)

    op.create_table('forecast_lines',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('structure_id', sa.String(length=36), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('funder', sa.String(length=30), nullable=False),
    sa.Column('account', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('recorded_by_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_forecast_lines_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_forecast_lines_structure_id_structures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_lines')),
    sa.UniqueConstraint('structure_id', 'year', 'funder', 'account', name=op.f('uq_forecast_lines_structure_id'))
    )
    op.create_table('gap_explanations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('structure_id', sa.String(length=36), nullable=False),
    sa.Column('period', sa.String(length=21), nullable=False),
    sa.Column('scope', sa.String(length=30), nullable=False),
    sa.Column('account', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_gap_explanations_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_gap_explanations_structure_id_structures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gap_explanations')),
    sa.UniqueConstraint('structure_id', 'period', 'scope', 'account', name=op.f('uq_gap_explanations_structure_id'))
    )
    op.create_table('practice_sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('structure_id', sa.String(length=36), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('facilitator', sa.String(length=200), nullable=True),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_practice_sessions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_practice_sessions_structure_id_structures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_sessions'))
    )
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_practice_sessions_structure_id_on', ['structure_id', 'on'], unique=False)

    op.create_table('staff_posts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('structure_id', sa.String(length=36), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('post', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=True),
    sa.Column('etp', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('months', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('funder', sa.String(length=30), nullable=True),
    sa.Column('recorded_by_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_staff_posts_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_staff_posts_structure_id_structures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_posts'))
    )
    with op.batch_alter_table('staff_posts', schema=None) as batch_op:
        batch_op.create_index('ix_staff_posts_structure_id_year', ['structure_id', 'year'], unique=False)

    op.create_table('practice_attendances',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['practice_sessions.id'], name=op.f('fk_practice_attendances_session_id_practice_sessions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_attendances_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_attendances')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_practice_attendances_session_id'))
    )
    with op.batch_alter_table('practice_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_attendances_session_id'), ['session_id'], unique=False)

    # The indexes the indicators need on the household records.
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_household_id_on', ['household_id', 'on'], unique=False)
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_team_structure_id'), ['team_structure_id'], unique=False)


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_team_structure_id'))
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_household_id_on')
    with op.batch_alter_table('practice_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_attendances_session_id'))

    op.drop_table('practice_attendances')
    with op.batch_alter_table('staff_posts', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_posts_structure_id_year')

    op.drop_table('staff_posts')
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_practice_sessions_structure_id_on')

    op.drop_table('practice_sessions')
    op.drop_table('gap_explanations')
    op.drop_table('forecast_lines')
    with op.batch_alter_table('expenses', schema=None) as batch_op:
        batch_op.drop_index('ix_expenses_structure_id_on')
        batch_op.drop_index(batch_op.f('ix_expenses_household_id'))

    op.drop_table('expenses')
    with op.batch_alter_table('collective_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_collective_actions_structure_id_on')

    op.drop_table('collective_actions')
