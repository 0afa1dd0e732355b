"""Revocations (撤销) as the issuing organs' decision: one row per proposal, its co-signatures and its decision.

Revision 0019_revocations, after 0018_announcements.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_revocations"
down_revision = "0018_announcements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revocation",
        sa.Column("proposal_id", sa.String(), nullable=False),
        sa.Column("subject_kind", sa.String(), nullable=False),
        sa.Column("subject_id", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("institution_name", sa.String(), nullable=False),
        sa.Column("credit_code", sa.String(), nullable=False),
        sa.Column("announcement_doc_no", sa.String(), nullable=False),
        sa.Column("announced_on", sa.Date(), nullable=True),
        sa.Column("ground", sa.String(), nullable=False),
        sa.Column("evidence", sa.String(), nullable=False),
        sa.Column("proposer_id", sa.String(), nullable=False),
        sa.Column("proposer_name", sa.String(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("signatures", sa.JSON(), nullable=False),
        sa.Column("document_no", sa.String(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("document_sha256", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("proposal_id"),
    )
    op.create_index("ix_revocation_subject_kind", "revocation", ["subject_kind"])
    op.create_index("ix_revocation_subject_id", "revocation", ["subject_id"])
    op.create_index("ix_revocation_county", "revocation", ["county"])
    op.create_index("ix_revocation_state", "revocation", ["state"])
    op.create_index("ix_revocation_document_sha256", "revocation", ["document_sha256"])


def downgrade() -> None:
    op.drop_table("revocation")
