"""The readable 申报编号 (application_number, a copy on application.number) and the act 'amend_score' (修改评分)

Revision 0012, after 0011. Applications declared before it are numbered here, in the order they were declared, per
county and declaration year (Asia/Shanghai), as the projection numbers new ones (db/numbers.py).

The column is added without rebuilding ``application`` (a batch alter on SQLite would drop the tally triggers 0009
put on it); its uniqueness is a unique index.
"""

from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SHANGHAI = timezone(timedelta(hours=8))


def _number(county: str, year: int, seq: int) -> str:
    from state.numbering import application_number  # the same words the projection writes

    return application_number(county, year, seq)


def _backfill() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, county, declared_at FROM application ORDER BY declared_at, id")).all()
    seqs: dict[tuple[str, int], int] = {}
    for application_id, county, declared_at in rows:
        if isinstance(declared_at, str):
            declared_at = datetime.fromisoformat(declared_at)
        if declared_at.tzinfo is None:
            declared_at = declared_at.replace(tzinfo=UTC)
        year = declared_at.astimezone(SHANGHAI).year
        seq = seqs[(county, year)] = seqs.get((county, year), 0) + 1
        number = _number(county, year, seq)
        bind.execute(
            sa.text(
                "INSERT INTO application_number (county, year, seq, application_id, number)"
                " VALUES (:county, :year, :seq, :id, :number)"
            ),
            {"county": county, "year": year, "seq": seq, "id": application_id, "number": number},
        )
        bind.execute(sa.text("UPDATE application SET number = :number WHERE id = :id"), {"number": number, "id": application_id})


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # ADD VALUE may not be used in the transaction that adds it; nothing here uses it.
        op.execute("ALTER TYPE act ADD VALUE IF NOT EXISTS 'amend_score'")
    op.create_table(
        "application_number",
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("county", "year", "seq"),
        sa.UniqueConstraint("application_id"),
        sa.UniqueConstraint("number"),
    )
    op.add_column("application", sa.Column("number", sa.String(), nullable=True))
    op.create_index("ix_application_number", "application", ["number"], unique=True)
    _backfill()


def downgrade() -> None:
    op.drop_index("ix_application_number", table_name="application")
    with op.batch_alter_table("application", recreate="never") as batch:
        batch.drop_column("number")
    op.drop_table("application_number")
