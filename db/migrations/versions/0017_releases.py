"""A revoked title keeps its place; an admin releases it with a reason: who released a place (None when the
application's end released it) and the release's key, kept once (a unique index).

Revision 0017_releases. Columns are added without rebuilding ``quota_place`` (its partial unique indexes stay).
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_releases"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = ("released_by_user_id", "released_by_name", "released_by_role", "release_key")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("quota_place", sa.Column(name, sa.String(), nullable=True))
    op.create_index("ix_quota_place_release_key", "quota_place", ["release_key"], unique=True)
    # Places released in English before: said in Chinese, as new releases are.
    for stage, words in (("rejected", "未通过"), ("withdrawn", "已撤回"), ("revoked", "已撤销")):
        op.execute(
            sa.text("UPDATE quota_place SET release_reason = :words WHERE release_reason = :old").bindparams(
                words=f"申报{words}，名额随之释放", old=f"application {stage}"
            )
        )


def downgrade() -> None:
    op.drop_index("ix_quota_place_release_key", table_name="quota_place")
    with op.batch_alter_table("quota_place", recreate="never") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
