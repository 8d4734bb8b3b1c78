"""Several files per registered version (registry_files), hash version 2, series subjects.

Existing rows keep their hash (version 1, which chains their PDF and DOCX columns); their files
are copied into registry_files, which `registry check` compares with those chained columns.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upgrade():
    with op.batch_alter_table("registry_entries", recreate="never") as batch:
        batch.add_column(sa.Column("hash_version", sa.Integer(), nullable=False,
                                   server_default="1"))
    op.create_index("ix_registry_entries_pdf_sha256", "registry_entries", ["pdf_sha256"])
    with op.batch_alter_table("document_series", recreate="never") as batch:
        batch.add_column(sa.Column("subject_type", sa.String(20), nullable=False,
                                   server_default="household"))
        batch.add_column(sa.Column("subject_id", sa.String(64), nullable=True))
    op.create_index("ix_document_series_subject_id", "document_series", ["subject_id"])
    # Until now a fiche de lien opened a referral and every other series was a household's.
    op.execute("UPDATE document_series SET subject_type = 'referral' "
               "WHERE kind = 'fiche_de_lien'")
    op.execute("UPDATE document_series SET subject_id = household_id "
               "WHERE subject_type = 'household'")
    op.create_table(
        "registry_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["registry_entries.id"],
                                name="fk_registry_files_entry_id_registry_entries"),
        sa.PrimaryKeyConstraint("id", name="pk_registry_files"),
        sa.UniqueConstraint("entry_id", "position",
                            name="uq_registry_files_entry_id"),
    )
    op.create_index("ix_registry_files_entry_id", "registry_files", ["entry_id"])
    op.create_index("ix_registry_files_sha256", "registry_files", ["sha256"])
    op.execute(f"""
        INSERT INTO registry_files (entry_id, position, format, role, media_type, sha256, size)
        SELECT id, 1, 'pdf', 'document', '{PDF}', pdf_sha256, pdf_size FROM registry_entries
    """)
    op.execute(f"""
        INSERT INTO registry_files (entry_id, position, format, role, media_type, sha256, size)
        SELECT id, 2, 'docx', 'document', '{DOCX}', docx_sha256, docx_size
        FROM registry_entries WHERE docx_sha256 IS NOT NULL
    """)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""CREATE TRIGGER registry_files_append_only BEFORE UPDATE OR DELETE
                      ON registry_files FOR EACH ROW EXECUTE FUNCTION forbid_change()""")
        op.execute("""CREATE TRIGGER registry_files_no_truncate BEFORE TRUNCATE
                      ON registry_files FOR EACH STATEMENT EXECUTE FUNCTION forbid_change()""")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER registry_files_no_{action.lower()} BEFORE {action}
                           ON registry_files
                           BEGIN SELECT RAISE(ABORT, 'append-only table registry_files'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS registry_files_append_only ON registry_files")
        op.execute("DROP TRIGGER IF EXISTS registry_files_no_truncate ON registry_files")
    op.drop_table("registry_files")
    op.drop_index("ix_document_series_subject_id", "document_series")
    with op.batch_alter_table("document_series", recreate="never") as batch:
        batch.drop_column("subject_id")
        batch.drop_column("subject_type")
    op.drop_index("ix_registry_entries_pdf_sha256", "registry_entries")
    with op.batch_alter_table("registry_entries", recreate="never") as batch:
        batch.drop_column("hash_version")
