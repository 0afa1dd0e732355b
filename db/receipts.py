"""Objection receipts (回执号): a random number given to whoever objects through the public pages, standing for the
objection the workflow recorded. Knowing one's receipt shows one's own objection and its finding, and nothing of
anyone else's (the workflow's objection ids are sequential, so they are never shown as receipts)."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Field, SQLModel, col, select

from db.models import Application, Objection
from db.session import insert_ignore, session_for

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
LENGTH = 16


class ObjectionReceipt(SQLModel, table=True):
    __tablename__ = "objection_receipt"

    receipt: str = Field(primary_key=True)
    objection_id: str = Field(unique=True)
    application_id: str = Field(index=True)
    issued_at: datetime


def normal_receipt(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def shown(receipt: str) -> str:
    """XXXX-XXXX-XXXX-XXXX."""
    return "-".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def issue_receipt(database_url: str, objection_id: str, application_id: str) -> str:
    """The objection's receipt: a new random one, or the one it already has."""
    with session_for(database_url) as s:
        for _ in range(5):
            receipt = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
            values = {
                "receipt": receipt,
                "objection_id": objection_id,
                "application_id": application_id,
                "issued_at": datetime.now(UTC),
            }
            if insert_ignore(s, ObjectionReceipt, values, ["objection_id"]):
                s.commit()
                return receipt
            s.rollback()
            held = s.exec(select(ObjectionReceipt.receipt).where(ObjectionReceipt.objection_id == objection_id)).first()
            if held:
                return held
    raise RuntimeError("no receipt could be issued")  # five random 80-bit numbers all taken: not in this universe


@dataclass(frozen=True)
class ReceiptView:
    receipt: str
    objection: Objection
    institution_name: str
    level: str
    county: str


def objection_by_receipt(database_url: str, receipt: str) -> ReceiptView | None:
    key = normal_receipt(receipt)
    if len(key) != LENGTH:
        return None
    with session_for(database_url) as s:
        found = s.exec(
            select(ObjectionReceipt, Objection)
            .join(Objection, col(Objection.id) == col(ObjectionReceipt.objection_id))
            .where(ObjectionReceipt.receipt == key)
        ).first()
        if found is None:
            return None
        held, objection = found
        app = s.get(Application, held.application_id)
    return ReceiptView(
        receipt=key,
        objection=objection,
        institution_name=app.institution_name if app else "",
        level=app.level.value if app else "",
        county=app.county if app else "",
    )
