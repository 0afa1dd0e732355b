"""短信: users' mobile numbers (user_phone), one per account that gave one, with the user's own switch for texts.

Revision 0024_phones, after 0023_external_subject.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_phones"
down_revision = "0023_external_subject"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_phone",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("sms", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("user_phone")
