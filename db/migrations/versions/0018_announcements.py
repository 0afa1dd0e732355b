"""Batches announced by one joint 公布文件 (批次公布), and the applications each announces.

Revision 0018_announcements, after 0017_releases.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_announcements"
down_revision = "0017_releases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "announcement",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("county", sa.String(), nullable=True),
        sa.Column("round_id", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("document_no", sa.String(), nullable=True),
        sa.Column("sha256", sa.String(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signed_departments", sa.String(), nullable=False),
        sa.Column("formed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "announcement_member",
        sa.Column("announcement_id", sa.String(), nullable=False),
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("institution_name", sa.String(), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("left", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("announcement_id", "application_id"),
    )
    op.create_index(
        op.f("ix_announcement_member_application_id"), "announcement_member", ["application_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_announcement_member_application_id"), table_name="announcement_member")
    op.drop_table("announcement_member")
    op.drop_table("announcement")
