"""Users belong to a city (地区定义, regions/): ``api_user.city``, the deployment's; those made before get 临沂市.

Revision 0026_user_city, after 0025_issued_documents. One city per deployment still: nothing is scoped by it yet.
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_user_city"
down_revision = "0025_issued_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_user") as batch:
        batch.add_column(sa.Column("city", sa.String(), nullable=False, server_default="临沂市"))


def downgrade() -> None:
    with op.batch_alter_table("api_user") as batch:
        batch.drop_column("city")
