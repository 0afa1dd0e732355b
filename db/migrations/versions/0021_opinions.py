"""会商: the act 'department_opinion' (the county DRC's or civil affairs' opinion on a declaration, 县区部门意见)

Revision 0021_opinions, after 0020_panel. PostgreSQL keeps acts in a native enum type, which gains
the value here; SQLite keeps them as text as wide as the longest ('department_opinion' is shorter).
"""

from alembic import op

revision = "0021_opinions"
down_revision = "0020_panel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A batch alter on SQLite would rebuild application_event without the tally trigger 0009 put on it.
    if op.get_bind().dialect.name == "postgresql":
        # ADD VALUE may not be used in the transaction that adds it; nothing here uses it.
        op.execute("ALTER TYPE act ADD VALUE IF NOT EXISTS 'department_opinion'")


def downgrade() -> None:
    # PostgreSQL cannot drop a value from an enum type; going back to the baseline drops the types themselves.
    pass
