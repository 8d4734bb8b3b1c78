"""calls for applications and dossiers

Calls for applications (a record per call: funders, envelope, expected team, pieces, calendar),
the applications of candidate structures with their uploaded pieces, and the uploads (cleaned
PDFs, service.uploads).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calls_for_applications',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('territory', sa.String(length=200), nullable=False),
    sa.Column('funders', sa.JSON(), nullable=False),
    sa.Column('envelope', sa.JSON(), nullable=False),
    sa.Column('expected_team', sa.JSON(), nullable=False),
    sa.Column('pieces', sa.JSON(), nullable=False),
    sa.Column('contacts', sa.JSON(), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('results_on', sa.Date(), nullable=False),
    sa.Column('launch_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls_for_applications')),
    sa.UniqueConstraint('reference', name=op.f('uq_calls_for_applications_reference'))
    )
    op.create_table('uploads',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('structure_id', sa.String(length=36), nullable=False),
    sa.Column('uploaded_by_id', sa.String(length=36), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('original_sha256', sa.String(length=64), nullable=False),
    sa.Column('original_size', sa.BigInteger(), nullable=False),
    sa.Column('removed', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_uploads_structure_id_structures')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_uploads_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uploads'))
    )
    op.create_index(op.f('ix_uploads_sha256'), 'uploads', ['sha256'], unique=False)
    op.create_index(op.f('ix_uploads_structure_id'), 'uploads', ['structure_id'], unique=False)
    op.create_table('applications',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('call_id', sa.String(length=36), nullable=False),
    sa.Column('structure_id', sa.String(length=36), nullable=False),
    sa.Column('created_by_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('identity', sa.JSON(), nullable=False),
    sa.Column('grouping', sa.JSON(), nullable=False),
    sa.Column('team', sa.JSON(), nullable=False),
    sa.Column('note', sa.JSON(), nullable=False),
    sa.Column('budget', sa.JSON(), nullable=False),
    sa.Column('conventions', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dossier_entry_id', sa.String(length=36), nullable=True),
    sa.Column('receipt_entry_id', sa.String(length=36), nullable=True),
    sa.Column('submitted_sha256', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_reason', sa.Text(), nullable=True),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome_by_id', sa.String(length=36), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls_for_applications.id'], name=op.f('fk_applications_call_id_calls_for_applications')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_applications_created_by_id_users')),
    sa.ForeignKeyConstraint(['dossier_entry_id'], ['registry_entries.id'], name=op.f('fk_applications_dossier_entry_id_registry_entries')),
    sa.ForeignKeyConstraint(['outcome_by_id'], ['users.id'], name=op.f('fk_applications_outcome_by_id_users')),
    sa.ForeignKeyConstraint(['receipt_entry_id'], ['registry_entries.id'], name=op.f('fk_applications_receipt_entry_id_registry_entries')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_applications_structure_id_structures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('call_id', 'structure_id', name=op.f('uq_applications_call_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_applications_reference'))
    )
    op.create_index(op.f('ix_applications_call_id'), 'applications', ['call_id'], unique=False)
    op.create_index(op.f('ix_applications_structure_id'), 'applications', ['structure_id'], unique=False)
    op.create_table('application_pieces',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('piece_key', sa.String(length=40), nullable=False),
    sa.Column('upload_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_pieces_application_id_applications')),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_application_pieces_upload_id_uploads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_pieces'))
    )
    op.create_index(op.f('ix_application_pieces_application_id'), 'application_pieces', ['application_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_application_pieces_application_id'), table_name='application_pieces')
    op.drop_table('application_pieces')
    op.drop_index(op.f('ix_applications_structure_id'), table_name='applications')
    op.drop_index(op.f('ix_applications_call_id'), table_name='applications')
    op.drop_table('applications')
    op.drop_index(op.f('ix_uploads_structure_id'), table_name='uploads')
    op.drop_index(op.f('ix_uploads_sha256'), table_name='uploads')
    op.drop_table('uploads')
    op.drop_table('calls_for_applications')
