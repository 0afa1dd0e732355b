"""A round's review panel (评审组): its members (round_panel_member) and their recusals (round_recusal).

Revision 0020_panel, after 0019_revocations.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_panel"
down_revision = "0019_revocations"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "round_panel_member",
        sa.Column("round_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "user_id"),
    )
    op.create_index("ix_round_panel_member_user_id", "round_panel_member", ["user_id"])
    op.create_table(
        "round_recusal",
        sa.Column("round_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("round_id", "user_id", "application_id"),
    )


def downgrade() -> None:
    op.drop_table("round_recusal")
    op.drop_index("ix_round_panel_member_user_id", table_name="round_panel_member")
    op.drop_table("round_panel_member")
