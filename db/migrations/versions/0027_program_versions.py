"""评定项目定义: the immutable versions of each program's definition (programs/definitions/*.toml)

Revision 0027_program_versions, after 0026_user_city.
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_program_versions"
down_revision = "0026_user_city"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "program_version",
        sa.Column("program_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("content", sa.String(), nullable=False),
        sa.Column("published_by", sa.String(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("program_id", "version"),
    )
    op.create_index("ix_program_version_sha256", "program_version", ["sha256"])


def downgrade() -> None:
    op.drop_table("program_version")
