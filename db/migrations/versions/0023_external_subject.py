"""统一身份认证 (OpenID Connect): a user's external subject (the provider's issuer and ``sub``, unique together), the
sign-ins begun there and not yet finished (oidc_request), and the ID token a session signed in with (web_session).

Revision 0023_external_subject, after 0022_announce_act.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_external_subject"
down_revision = "0022_announce_act"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("api_user") as batch:
        batch.add_column(sa.Column("external_issuer", sa.String(), nullable=True))
        batch.add_column(sa.Column("external_subject", sa.String(), nullable=True))
        batch.create_unique_constraint("uq_api_user_external_subject", ["external_issuer", "external_subject"])
    with op.batch_alter_table("web_session", recreate="never") as batch:
        batch.add_column(sa.Column("id_token", sa.String(), nullable=True))
    op.create_table(
        "oidc_request",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("nonce", sa.String(), nullable=False),
        sa.Column("code_verifier", sa.String(), nullable=False),
        sa.Column("next_path", sa.String(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_oidc_request_expires_at", "oidc_request", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_oidc_request_expires_at", table_name="oidc_request")
    op.drop_table("oidc_request")
    with op.batch_alter_table("web_session", recreate="never") as batch:
        batch.drop_column("id_token")
    with op.batch_alter_table("api_user") as batch:
        batch.drop_constraint("uq_api_user_external_subject", type_="unique")
        batch.drop_column("external_subject")
        batch.drop_column("external_issuer")
