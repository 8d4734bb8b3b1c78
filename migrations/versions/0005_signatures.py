"""signatures

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 02:56:20.839924

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('signatures',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('quality', sa.String(length=30), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('image_sha256', sa.String(length=64), nullable=True),
    sa.Column('refusal_reason', sa.String(length=500), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['registry_entries.id'], name=op.f('fk_signatures_entry_id_registry_entries')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_signatures_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signatures'))
    )
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signatures_entry_id'), ['entry_id'], unique=False)


    if op.get_bind().dialect.name == "postgresql":
        op.execute("""CREATE TRIGGER signatures_append_only BEFORE UPDATE OR DELETE ON signatures
                      FOR EACH ROW EXECUTE FUNCTION forbid_change()""")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER signatures_no_{action.lower()} BEFORE {action}
                           ON signatures BEGIN SELECT RAISE(ABORT, 'append-only table'); END""")


def downgrade():

    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signatures_entry_id'))

    op.drop_table('signatures')

