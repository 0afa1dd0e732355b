"""An application records the program (评定项目) it was declared into, that program's version, and the city that runs
it; an institution's type is a program's key (the first program's six, or another program's own), so a plain string.

Revision 0028_application_program, after 0027_program_versions. Applications declared before are the first program's
(linyi-2026, version 1, published by migration 0027's seed), in 临沂市.
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_application_program"
down_revision = "0027_program_versions"
branch_labels = None
depends_on = None

COMBO = ("county", "level", "institution_type", "state", "round_id")  # application_tally's key (migration 0009)
DROP_UPDATE_TRIGGER = "DROP TRIGGER IF EXISTS application_tally_update ON application"
# PostgreSQL will not alter a column a trigger's definition names: the tally's update trigger is made again after.
UPDATE_TRIGGER = f"""
CREATE TRIGGER application_tally_update AFTER UPDATE OF {", ".join(COMBO)} ON application
    FOR EACH ROW WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COMBO)})
    EXECUTE FUNCTION application_tally_keep();
"""
INSTITUTION_TYPE = sa.Enum(
    "public_agency", "township_platform", "village_platform", "gig_market", "hr_agency", "training",
    name="institutiontype",
)  # fmt: skip


def upgrade() -> None:
    op.add_column("application", sa.Column("program_id", sa.String(), nullable=False, server_default="linyi-2026"))
    op.add_column("application", sa.Column("program_version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("application", sa.Column("city", sa.String(), nullable=False, server_default="临沂市"))
    op.create_index("ix_application_program_id", "application", ["program_id"])
    op.create_index("ix_application_city_declared", "application", ["city", "declared_at"])
    if op.get_bind().dialect.name == "postgresql":  # SQLite keeps an enum as VARCHAR already (and a batch copy
        op.execute(DROP_UPDATE_TRIGGER)
        for table in ("application", "application_tally"):  # would drop the tally's triggers)
            op.alter_column(
                table,
                "institution_type",
                existing_type=INSTITUTION_TYPE,
                type_=sa.String(),
                existing_nullable=False,
                postgresql_using="institution_type::text",
            )
        op.execute("DROP TYPE IF EXISTS institutiontype")
        op.execute(UPDATE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        INSTITUTION_TYPE.create(op.get_bind(), checkfirst=True)
        op.execute(DROP_UPDATE_TRIGGER)
        for table in ("application", "application_tally"):
            op.alter_column(
                table,
                "institution_type",
                existing_type=sa.String(),
                type_=INSTITUTION_TYPE,
                existing_nullable=False,
                postgresql_using="institution_type::institutiontype",
            )
        op.execute(UPDATE_TRIGGER)
    op.drop_index("ix_application_city_declared", table_name="application")
    op.drop_index("ix_application_program_id", table_name="application")
    for column in ("city", "program_version", "program_id"):  # SQLite drops a column itself (3.35+): no table copy
        op.drop_column("application", column)
