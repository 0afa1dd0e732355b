"""The schema as SQLModel's create_all made it before there were migrations: every table, index and constraint.

A database made before migrations has exactly this; db.schema records it as at this revision.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    "api_user", "application", "application_event", "evaluation_round", "filing_status", "filing_version",
    "historic_title", "notification", "notification_delivery", "notification_read", "objection", "period",
    "period_change", "quota_change", "quota_place",
)

# Native types on PostgreSQL (made with the first table that uses them), VARCHAR on SQLite.
ROLE = sa.Enum(
    "county_bureau", "city_reviewer", "department", "inspector", "supervisor", "admin", "public", "system", name="role"
)
DEPARTMENT = sa.Enum("hrss", "drc", "civil_affairs", name="department")
LEVEL = sa.Enum("county", "city", name="level")
INSTITUTION_TYPE = sa.Enum(
    "public_agency", "township_platform", "village_platform", "gig_market", "hr_agency", "training",
    name="institutiontype",
)
STAGE = sa.Enum(
    "declared", "county_reviewed", "city_reviewed", "publicized", "announced", "plaque_awarded", "revoked",
    "rejected", "withdrawn", name="stage",
)
ACT = sa.Enum(
    "declare", "county_review_pass", "county_review_fail", "city_review_pass", "city_review_fail", "publicize",
    "lodge_objection", "dismiss_objection", "uphold_objection", "close_notice", "score", "co_sign", "award",
    "revoke", "withdraw", "flag", "replan_notice", name="act",
)
ENUMS = (ROLE, DEPARTMENT, LEVEL, INSTITUTION_TYPE, STAGE, ACT)

ACTIVE = sa.text("released_at IS NULL")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_user",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", ROLE, nullable=False),
        sa.Column("county", sa.String(), nullable=True),
        sa.Column("department", DEPARTMENT, nullable=True),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("disabled_at", MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_user_role", "api_user", ["role"])
    op.create_index("ix_api_user_token_hash", "api_user", ["token_hash"], unique=True)

    op.create_table(
        "application",
        sa.Column("level", LEVEL, nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("round_id", sa.String(), nullable=False),
        sa.Column("institution_name", sa.String(), nullable=False),
        sa.Column("institution_type", INSTITUTION_TYPE, nullable=False),
        sa.Column("credit_code", sa.String(), nullable=False),
        sa.Column("state", STAGE, nullable=False),
        sa.Column("notice_published_on", sa.Date(), nullable=True),
        sa.Column("notice_first_day", sa.Date(), nullable=True),
        sa.Column("notice_last_day", sa.Date(), nullable=True),
        sa.Column("notice_ends_at", MOMENT, nullable=True),
        sa.Column("notice_confirmed", sa.Boolean(), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("workflow_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("institution", sa.JSON(), nullable=False),
        sa.Column("declared_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workflow_id"),
    )
    for column in ("county", "credit_code", "institution_type", "level", "notice_ends_at", "round_id", "state"):
        op.create_index(f"ix_application_{column}", "application", [column])
    op.create_index("ix_application_county_state_declared", "application", ["county", "state", "declared_at"])
    op.create_index("ix_application_state_notice_ends", "application", ["state", "notice_ends_at"])

    op.create_table(
        "application_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("act", ACT, nullable=False),
        sa.Column("actor_user_id", sa.String(), nullable=False),
        sa.Column("actor_name", sa.String(), nullable=False),
        sa.Column("actor_role", ROLE, nullable=False),
        sa.Column("actor_department", sa.String(), nullable=True),
        sa.Column("actor_county", sa.String(), nullable=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("state_after", STAGE, nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "seq", name="uq_event_application_seq"),
    )
    op.create_index("ix_application_event_application_id", "application_event", ["application_id"])

    op.create_table(
        "evaluation_round",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("period_id", sa.String(), nullable=False),
        sa.Column("owner_county", sa.String(), nullable=True),
        sa.Column("opens_at", MOMENT, nullable=False),
        sa.Column("closes_at", MOMENT, nullable=False),
        sa.Column("phase", sa.String(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("level", "owner_county", "period_id"):
        op.create_index(f"ix_evaluation_round_{column}", "evaluation_round", [column])

    op.create_table(
        "filing_status",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.String(), nullable=False),
        sa.Column("deadline_day", sa.Date(), nullable=False),
        sa.Column("deadline_at", MOMENT, nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("filed_at", MOMENT, nullable=True),
        sa.Column("working_days_late", sa.Integer(), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("escalations_sent", sa.Integer(), nullable=False),
        sa.Column("plan_confirmed", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("county", "state", "year"):
        op.create_index(f"ix_filing_status_{column}", "filing_status", [column])

    op.create_table(
        "filing_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("actor_user_id", sa.String(), nullable=False),
        sa.Column("actor_name", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("filed_at", MOMENT, nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("working_days_late", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("county", "year", "version", name="uq_filing_county_year_version"),
    )
    for column in ("county", "year"):
        op.create_index(f"ix_filing_version_{column}", "filing_version", [column])

    op.create_table(
        "historic_title",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_name", sa.String(), nullable=False),
        sa.Column("institution_type", sa.String(), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("credit_code", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("document_no", sa.String(), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("plaque_no", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("imported_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credit_code", "level", "document_no", name="uq_historic_title"),
    )
    for column in ("county", "credit_code"):
        op.create_index(f"ix_historic_title_{column}", "historic_title", [column])

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("recipient_role", ROLE, nullable=False),
        sa.Column("recipient_county", sa.String(), nullable=True),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("read_at", MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    for column in ("application_id", "recipient_county", "recipient_role"):
        op.create_index(f"ix_notification_{column}", "notification", [column])

    op.create_table(
        "notification_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("notice_key", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", MOMENT, nullable=True),
        sa.Column("sent_at", MOMENT, nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    for column in ("notice_key", "status"):
        op.create_index(f"ix_notification_delivery_{column}", "notification_delivery", [column])

    op.create_table(
        "notification_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("read_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("notification_id", "user_id", name="uq_notification_read_user"),
    )
    for column in ("notification_id", "user_id"):
        op.create_index(f"ix_notification_read_{column}", "notification_read", [column])

    op.create_table(
        "objection",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("contact", sa.String(), nullable=False),
        sa.Column("content", sa.String(), nullable=False),
        sa.Column("lodged_at", MOMENT, nullable=False),
        sa.Column("upheld", sa.Boolean(), nullable=True),
        sa.Column("finding", sa.String(), nullable=True),
        sa.Column("found_at", MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_objection_application_id", "objection", ["application_id"])

    op.create_table(
        "period",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("end_year", sa.Integer(), nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )

    op.create_table(
        "period_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("period_id", sa.String(), nullable=False),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("actor_user_id", sa.String(), nullable=False),
        sa.Column("actor_name", sa.String(), nullable=False),
        sa.Column("actor_role", sa.String(), nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_period_change_period_id", "period_change", ["period_id"])

    op.create_table(
        "quota_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("period_id", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("old_total", sa.Integer(), nullable=True),
        sa.Column("new_total", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("actor_user_id", sa.String(), nullable=False),
        sa.Column("actor_name", sa.String(), nullable=False),
        sa.Column("actor_role", sa.String(), nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "scope", name="uq_quota_change_key_scope"),
    )
    for column in ("key", "period_id"):
        op.create_index(f"ix_quota_change_{column}", "quota_change", [column])

    op.create_table(
        "quota_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("slot_no", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("round_id", sa.String(), nullable=False),
        sa.Column("reserved_at", MOMENT, nullable=False),
        sa.Column("released_at", MOMENT, nullable=True),
        sa.Column("release_reason", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("application_id", "period_id"):
        op.create_index(f"ix_quota_place_{column}", "quota_place", [column])
    # The database's own guard on a quota (see db/rounds.py): among places not released, one per slot and one per application.
    op.create_index(
        "uq_quota_place_active_slot", "quota_place", ["period_id", "level", "scope", "slot_no"],
        unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE,
    )
    op.create_index(
        "uq_quota_place_active_application", "quota_place", ["application_id"],
        unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)  # its indexes go with it
    for enum in ENUMS:
        enum.drop(op.get_bind(), checkfirst=True)  # PostgreSQL's types; nothing on SQLite
