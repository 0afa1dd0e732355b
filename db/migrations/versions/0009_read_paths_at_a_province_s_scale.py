"""read paths at a province's scale: tallies kept by the database (a list's total and the statistics' counts read a
few hundred rows, not every application), indexes for the lists' order under each filter and for the acts the
directory and the filing look for, and (PostgreSQL) trigram indexes for the search

Revision 0009, after 0008 (bench/scale.py measured what each is for; see bench/README.md).

On PostgreSQL the search (``LIKE '%…%'`` on the name and the credit code) is served by GIN indexes of the pg_trgm
extension, which this migration creates (a trusted extension since PostgreSQL 13: the database's owner may create
it). On SQLite the same index names are plain indexes, so that both databases match the models.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0009'
down_revision = '0008'
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


LEVELS = ("county", "city")
TYPES = ("public_agency", "township_platform", "village_platform", "gig_market", "hr_agency", "training")
STAGES = (
    "declared", "county_reviewed", "city_reviewed", "publicized", "announced", "plaque_awarded", "revoked",
    "rejected", "withdrawn", "returned",
)
ACTS = (
    "declare", "county_review_pass", "county_review_fail", "city_review_pass", "city_review_fail", "publicize",
    "lodge_objection", "dismiss_objection", "uphold_objection", "close_notice", "score", "co_sign", "award",
    "revoke", "withdraw", "flag", "replan_notice", "county_request_correction", "city_request_correction",
    "resubmit", "lapse_correction", "correction_reminder",
)
COMBO = ("county", "level", "institution_type", "state", "round_id")  # application_tally's key

# The tallies' upkeep. An application's combination changes by UPDATE (its state, mostly); acts are only inserted.
PG_FUNCTIONS = f"""
CREATE FUNCTION application_tally_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE application_tally SET n = n - 1
        WHERE {" AND ".join(f"{c} = OLD.{c}" for c in COMBO)};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO application_tally ({", ".join(COMBO)}, n) VALUES ({", ".join(f"NEW.{c}" for c in COMBO)}, 1)
        ON CONFLICT ({", ".join(COMBO)}) DO UPDATE SET n = application_tally.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION title_tally_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO title_tally (year, level, county, act, n)
    SELECT extract(year FROM timezone('Asia/Shanghai', NEW.at))::int, a.level, a.county, NEW.act, 1
    FROM application a WHERE a.id = NEW.application_id
    ON CONFLICT (year, level, county, act) DO UPDATE SET n = title_tally.n + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER application_tally_insert_delete AFTER INSERT OR DELETE ON application
    FOR EACH ROW EXECUTE FUNCTION application_tally_keep();
CREATE TRIGGER application_tally_update AFTER UPDATE OF {", ".join(COMBO)} ON application
    FOR EACH ROW WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COMBO)})
    EXECUTE FUNCTION application_tally_keep();
CREATE TRIGGER title_tally_insert AFTER INSERT ON application_event
    FOR EACH ROW WHEN (NEW.act IN ('award', 'revoke')) EXECUTE FUNCTION title_tally_keep();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS title_tally_insert ON application_event;
DROP TRIGGER IF EXISTS application_tally_update ON application;
DROP TRIGGER IF EXISTS application_tally_insert_delete ON application;
DROP FUNCTION IF EXISTS title_tally_keep();
DROP FUNCTION IF EXISTS application_tally_keep();
"""
_OLD = " AND ".join(f"{c} = OLD.{c}" for c in COMBO)
_ADD = (
    f"INSERT INTO application_tally ({', '.join(COMBO)}, n) VALUES ({', '.join(f'NEW.{c}' for c in COMBO)}, 1) "
    f"ON CONFLICT ({', '.join(COMBO)}) DO UPDATE SET n = n + 1;"
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER application_tally_insert AFTER INSERT ON application BEGIN {_ADD} END",
    f"CREATE TRIGGER application_tally_delete AFTER DELETE ON application BEGIN "
    f"UPDATE application_tally SET n = n - 1 WHERE {_OLD}; END",
    f"CREATE TRIGGER application_tally_update AFTER UPDATE OF {', '.join(COMBO)} ON application "
    f"WHEN {' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in COMBO)} BEGIN "
    f"UPDATE application_tally SET n = n - 1 WHERE {_OLD}; {_ADD} END",
    "CREATE TRIGGER title_tally_insert AFTER INSERT ON application_event WHEN NEW.act IN ('award', 'revoke') BEGIN "
    "INSERT INTO title_tally (year, level, county, act, n) "
    "SELECT CAST(strftime('%Y', NEW.at, '+8 hours') AS INTEGER), a.level, a.county, NEW.act, 1 "
    "FROM application a WHERE a.id = NEW.application_id AND true "
    "ON CONFLICT (year, level, county, act) DO UPDATE SET n = n + 1; END",
)
SQLITE_DROP = ("title_tally_insert", "application_tally_update", "application_tally_delete", "application_tally_insert")
BACKFILL = (
    f"INSERT INTO application_tally ({', '.join(COMBO)}, n) "
    f"SELECT {', '.join(COMBO)}, count(*) FROM application GROUP BY {', '.join(COMBO)}",
)


def _enum(pg: bool, values: tuple[str, ...], name: str) -> sa.types.TypeEngine[str]:
    """The enum type 0001 made (PostgreSQL: the existing native type; SQLite: text as wide as the longest value)."""
    return postgresql.ENUM(*values, name=name, create_type=False) if pg else sa.Enum(*values, name=name)


def _tallies(pg: bool) -> None:
    op.create_table(
        "application_tally",
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("level", _enum(pg, LEVELS, "level"), nullable=False),
        sa.Column("institution_type", _enum(pg, TYPES, "institutiontype"), nullable=False),
        sa.Column("state", _enum(pg, STAGES, "stage"), nullable=False),
        sa.Column("round_id", sa.String(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*COMBO),
    )
    op.create_table(
        "title_tally",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("level", _enum(pg, LEVELS, "level"), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("act", _enum(pg, ACTS, "act"), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "level", "county", "act"),
    )
    year = (
        "extract(year FROM timezone('Asia/Shanghai', e.at))::int" if pg
        else "CAST(strftime('%Y', e.at, '+8 hours') AS INTEGER)"
    )
    for statement in (
        *BACKFILL,
        f"INSERT INTO title_tally (year, level, county, act, n) SELECT {year}, a.level, a.county, e.act, count(*) "
        "FROM application_event e JOIN application a ON a.id = e.application_id WHERE e.act IN ('award', 'revoke') "
        f"GROUP BY {year}, a.level, a.county, e.act",
    ):
        op.execute(statement)
    if pg:
        op.execute(PG_FUNCTIONS)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    _tallies(pg)
    for name, (table, columns) in PLAIN.items():
        op.create_index(name, table, columns, unique=False)
    if pg:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM.items():
        if pg:
            op.create_index(
                name, "application", [column], unique=False,
                postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"},
            )
        else:
            op.create_index(name, "application", [column], unique=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_DROP)
    else:
        for name in SQLITE_DROP:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("title_tally")
    op.drop_table("application_tally")
    for name in TRIGRAM:
        op.drop_index(name, table_name="application")
    for name, (table, _) in PLAIN.items():
        op.drop_index(name, table_name=table)
