"""电子印章: the documents sealed on first request and kept (奖牌证书, 备案表 as filed, 公示名单 as it stood)

Revision 0025_issued_documents, after 0024_phones.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_issued_documents"
down_revision = "0024_phones"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_documents",
        sa.Column("purpose", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("organ", sa.String(), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document_no", sa.String(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("purpose", "subject"),
    )
    op.create_index("ix_issued_documents_sha256", "issued_documents", ["sha256"])
    op.create_index("ix_issued_documents_document_no", "issued_documents", ["document_no"])


def downgrade() -> None:
    op.drop_table("issued_documents")
