"""The web pages' tables: how a user signs in (user_login), signed-in browsers (web_session), and the receipts
given to the public for their objections (objection_receipt)."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "user_login",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("login", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", MOMENT, nullable=True),
        sa.Column("changed_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_index("ix_user_login_login", "user_login", ["login"], unique=True)

    op.create_table(
        "web_session",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("csrf_token", sa.String(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_web_session_user_id", "web_session", ["user_id"])

    op.create_table(
        "objection_receipt",
        sa.Column("receipt", sa.String(), nullable=False),
        sa.Column("objection_id", sa.String(), nullable=False),
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("issued_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("receipt"),
        sa.UniqueConstraint("objection_id"),
    )
    op.create_index("ix_objection_receipt_application_id", "objection_receipt", ["application_id"])


def downgrade() -> None:
    op.drop_index("ix_objection_receipt_application_id", table_name="objection_receipt")
    op.drop_table("objection_receipt")
    op.drop_index("ix_web_session_user_id", table_name="web_session")
    op.drop_table("web_session")
    op.drop_index("ix_user_login_login", table_name="user_login")
    op.drop_table("user_login")
