"""A notice recorded late (补录): the page it was published on and the day it was recorded here."""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application") as t:
        t.add_column(sa.Column("notice_source_url", sa.String(), nullable=True))
        t.add_column(sa.Column("notice_recorded_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application") as t:
        t.drop_column("notice_recorded_on")
        t.drop_column("notice_source_url")
