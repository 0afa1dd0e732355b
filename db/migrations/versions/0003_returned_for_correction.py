"""退回补正: the stage 'returned' and the acts of a return for correction

Revision 0003, after 0002. PostgreSQL keeps stages and acts in native enum types, which gain the new values here;
SQLite keeps them as text, in a column as wide as the longest value (the acts' grows).
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

NEW = {
    "stage": ("returned",),
    "act": (
        "county_request_correction",
        "city_request_correction",
        "resubmit",
        "lapse_correction",
        "correction_reminder",
    ),
}


OLD_ACTS = (
    "declare", "county_review_pass", "county_review_fail", "city_review_pass", "city_review_fail", "publicize",
    "lodge_objection", "dismiss_objection", "uphold_objection", "close_notice", "score", "co_sign", "award",
    "revoke", "withdraw", "flag", "replan_notice",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        with op.batch_alter_table("application_event") as batch:
            batch.alter_column(
                "act",
                existing_type=sa.Enum(*OLD_ACTS, name="act"),
                type_=sa.Enum(*OLD_ACTS, *NEW["act"], name="act"),
                existing_nullable=False,
            )
        return
    for type_name, values in NEW.items():
        for value in values:
            op.execute(f"ALTER TYPE {type_name} ADD VALUE IF NOT EXISTS '{value}'")


def downgrade() -> None:
    # PostgreSQL cannot drop a value from an enum type; going back to the baseline drops the types themselves.
    pass
