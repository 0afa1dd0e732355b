"""A user's own preferences: their 常用意见 (saved_opinion) and their saved filters of the applications list
(saved_filter).

Revision 0011, after 0010.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "saved_opinion",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_saved_opinion_user_id", "saved_opinion", ["user_id"])
    op.create_table(
        "saved_filter",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("query", sa.String(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_saved_filter_user_id", "saved_filter", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_saved_filter_user_id", table_name="saved_filter")
    op.drop_table("saved_filter")
    op.drop_index("ix_saved_opinion_user_id", table_name="saved_opinion")
    op.drop_table("saved_opinion")
