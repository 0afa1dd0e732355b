"""read paths at a province's scale: indexes for the lists' order under each filter, the statistics' counts, the
acts the directory, the filing and the statistics look for, and (PostgreSQL) trigram indexes for the search

Revision 0009, after 0007 (bench/scale.py measured what each is for; see bench/README.md).

On PostgreSQL the search (``LIKE '%…%'`` on the name and the credit code) is served by GIN indexes of the pg_trgm
extension, which this migration creates (a trusted extension since PostgreSQL 13: the database's owner may create
it). On SQLite the same index names are plain indexes, so that both databases match the models.
"""

from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None

# name -> table, columns (the models declare the same: db/models.py)
PLAIN = {
    "ix_application_declared_at_id": ("application", ["declared_at", "id"]),
    "ix_application_state_declared": ("application", ["state", "declared_at"]),
    "ix_application_county_declared": ("application", ["county", "declared_at"]),
    "ix_application_level_declared": ("application", ["level", "declared_at"]),
    "ix_application_type_declared": ("application", ["institution_type", "declared_at"]),
    "ix_application_round_declared": ("application", ["round_id", "declared_at"]),
    "ix_application_county_type_state": ("application", ["county", "institution_type", "state"]),
    "ix_application_event_act_at": ("application_event", ["act", "at"]),
    "ix_application_event_application_act": ("application_event", ["application_id", "act"]),
}
TRIGRAM = {
    "ix_application_name_trgm": "institution_name",
    "ix_application_credit_code_trgm": "credit_code",
}


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, (table, columns) in PLAIN.items():
        op.create_index(name, table, columns, unique=False)
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM.items():
        if postgresql:
            op.create_index(
                name, "application", [column], unique=False,
                postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"},
            )
        else:
            op.create_index(name, "application", [column], unique=False)


def downgrade() -> None:
    for name in TRIGRAM:
        op.drop_index(name, table_name="application")
    for name, (table, _) in PLAIN.items():
        op.drop_index(name, table_name=table)
