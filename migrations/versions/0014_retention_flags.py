"""retention flags: households and fiches de lien whose retention period has ended

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retention_flags',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_flags')),
    sa.UniqueConstraint('subject_type', 'subject_id', 'rule',
                        name=op.f('uq_retention_flags_subject_type'))
    )
    with op.batch_alter_table('retention_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_flags_cleared_at'), ['cleared_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('retention_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_flags_cleared_at'))
    op.drop_table('retention_flags')
