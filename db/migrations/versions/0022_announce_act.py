"""批次公布: the act 'announce' (an application announced by its batch's joint 公布文件, at the batch's third
signature)

Revision 0022_announce_act, after 0021_opinions. PostgreSQL keeps acts in a native enum type, which gains the value
here (without it the read model could not record an announcement by batch, nor be asked about one); SQLite keeps
them as text as wide as the longest ('announce' is shorter).
"""

from alembic import op

revision = "0022_announce_act"
down_revision = "0021_opinions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A batch alter on SQLite would rebuild application_event without the tally trigger 0009 put on it.
    if op.get_bind().dialect.name == "postgresql":
        # ADD VALUE may not be used in the transaction that adds it; nothing here uses it.
        op.execute("ALTER TYPE act ADD VALUE IF NOT EXISTS 'announce'")


def downgrade() -> None:
    # PostgreSQL cannot drop a value from an enum type; going back to the baseline drops the types themselves.
    pass
