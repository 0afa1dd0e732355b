"""Every table of the database, imported in one place so that ``metadata`` is the whole schema: the migrations
are written against it and tests/test_migrations.py checks them against it. A new table module is added here."""

from sqlmodel import SQLModel

from db.announcements import Announcement, AnnouncementMember
from db.document_register import DocumentNumber
from db.filing import Delivery, FilingDelivery, FilingStatus, FilingVersion, NotificationRead
from db.issued_documents import IssuedDocument
from db.logins import Login, OidcRequest, WebSession
from db.materials import Material
from db.models import Application, ApplicationEvent, ApplicationTally, Notification, Objection, TitleTally
from db.numbers import ApplicationNumber
from db.panel import PanelMember, PanelRecusal
from db.phones import UserPhone
from db.preferences import SavedFilter, SavedOpinion
from db.programs import ProgramVersion
from db.ratelimits import RateCount
from db.receipts import ObjectionReceipt
from db.revocations import Revocation
from db.rounds import EvaluationRound, HistoricTitle, Period, PeriodChange, QuotaChange, QuotaPlace
from db.standards import CountyConditionVersion
from db.users import User

metadata = SQLModel.metadata

__all__ = [
    "Announcement",
    "AnnouncementMember",
    "Application",
    "ApplicationEvent",
    "ApplicationNumber",
    "ApplicationTally",
    "CountyConditionVersion",
    "Delivery",
    "DocumentNumber",
    "EvaluationRound",
    "FilingDelivery",
    "FilingStatus",
    "FilingVersion",
    "HistoricTitle",
    "IssuedDocument",
    "Login",
    "Material",
    "OidcRequest",
    "Notification",
    "NotificationRead",
    "Objection",
    "ObjectionReceipt",
    "PanelMember",
    "PanelRecusal",
    "Period",
    "PeriodChange",
    "ProgramVersion",
    "QuotaChange",
    "QuotaPlace",
    "RateCount",
    "Revocation",
    "SavedFilter",
    "SavedOpinion",
    "TitleTally",
    "User",
    "UserPhone",
    "WebSession",
    "metadata",
]
