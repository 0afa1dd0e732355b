"""Every table of the database, imported in one place so that ``metadata`` is the whole schema: the migrations
are written against it and tests/test_migrations.py checks them against it. A new table module is added here."""

from sqlmodel import SQLModel

from db.filing import Delivery, FilingStatus, FilingVersion, NotificationRead
from db.materials import Material
from db.models import Application, ApplicationEvent, Notification, Objection
from db.rounds import EvaluationRound, HistoricTitle, Period, PeriodChange, QuotaChange, QuotaPlace
from db.users import User

metadata = SQLModel.metadata

__all__ = [
    "Application",
    "ApplicationEvent",
    "Delivery",
    "EvaluationRound",
    "FilingStatus",
    "FilingVersion",
    "HistoricTitle",
    "Material",
    "Notification",
    "NotificationRead",
    "Objection",
    "Period",
    "PeriodChange",
    "QuotaChange",
    "QuotaPlace",
    "User",
    "metadata",
]
