"""催办: the act 'urge' (the city bureau or a supervisor presses whoever owes the next act)

Revision 0010, after 0009. PostgreSQL keeps acts in a native enum type, which gains the value here; SQLite keeps them as text
(the column stays as wide: 'urge' is short).
"""

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ACTS_BEFORE = (
    "declare", "county_review_pass", "county_review_fail", "city_review_pass", "city_review_fail", "publicize",
    "lodge_objection", "dismiss_objection", "uphold_objection", "close_notice", "score", "co_sign", "award",
    "revoke", "withdraw", "flag", "replan_notice", "county_request_correction", "city_request_correction",
    "resubmit", "lapse_correction", "correction_reminder",
)


def upgrade() -> None:
    # SQLite keeps acts as text as wide as the longest ('urge' is shorter): nothing to change there, and a batch
    # alter would rebuild application_event without the tally trigger 0009 put on it.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TYPE act ADD VALUE IF NOT EXISTS 'urge'")


def downgrade() -> None:
    # PostgreSQL cannot drop a value from an enum type; going back to the baseline drops the types themselves.
    pass
