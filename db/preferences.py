"""A user's own preferences, not process state: their 常用意见 (opinions they reuse on act forms) and their saved
filters of the applications list. Plain rows, written by the pages directly (no workflow: nothing in the procedure
depends on them); each user sees and changes only their own."""

import secrets
from datetime import UTC, datetime

from sqlmodel import Field, Session, SQLModel, col, select

from state.text import bidi_controls, controls, visible

MAX_OPINIONS = 50  # per user; the oldest goes when a new one would pass this
MAX_FILTERS = 50
OPINION_LENGTH = 1000
FILTER_NAME_LENGTH = 40


class SavedOpinion(SQLModel, table=True):
    __tablename__ = "saved_opinion"

    id: str = Field(primary_key=True)
    user_id: str = Field(index=True)
    text: str
    created_at: datetime


class SavedFilter(SQLModel, table=True):
    __tablename__ = "saved_filter"

    id: str = Field(primary_key=True)
    user_id: str = Field(index=True)
    name: str
    query: str  # the list's query string, as the list itself writes it (state=…&county=…&q=…)
    created_at: datetime


def text_problem(text: str, what: str, longest: int, multiline: bool) -> tuple[str, str] | None:
    """Why ``text`` cannot be kept, as (rule, Chinese message); None when it can."""
    if not visible(text):
        return "required", f"请先填写{what}"
    if len(text) > longest:
        return "too_long", f"{what}最长{longest}字"
    if controls(text, multiline=multiline) or bidi_controls(text):
        return "control_characters", f"{what}含有不可见的控制字符"
    return None


def _new_id() -> str:
    return secrets.token_hex(8)


def opinions_of(session: Session, user_id: str) -> list[SavedOpinion]:
    """The user's 常用意见, the newest first."""
    query = select(SavedOpinion).where(SavedOpinion.user_id == user_id)
    return list(session.exec(query.order_by(col(SavedOpinion.created_at).desc(), col(SavedOpinion.id))).all())


def save_opinion(session: Session, user_id: str, text: str) -> list[SavedOpinion]:
    """Keep ``text`` as one of the user's 常用意见 (once: saving it again makes it the newest); the list after."""
    now = datetime.now(UTC)
    kept = opinions_of(session, user_id)
    same = next((o for o in kept if o.text == text), None)
    if same is not None:
        same.created_at = now
        session.add(same)
    else:
        session.add(SavedOpinion(id=_new_id(), user_id=user_id, text=text, created_at=now))
        for old in kept[MAX_OPINIONS - 1 :]:
            session.delete(old)
    session.commit()
    return opinions_of(session, user_id)


def delete_opinion(session: Session, user_id: str, opinion_id: str) -> bool:
    row = session.get(SavedOpinion, opinion_id)
    if row is None or row.user_id != user_id:
        return False
    session.delete(row)
    session.commit()
    return True


def filters_of(session: Session, user_id: str) -> list[SavedFilter]:
    """The user's saved filters, by name."""
    query = select(SavedFilter).where(SavedFilter.user_id == user_id)
    return list(session.exec(query.order_by(col(SavedFilter.name), col(SavedFilter.id))).all())


def save_filter(session: Session, user_id: str, name: str, query: str) -> SavedFilter:
    """Keep the filter under ``name`` (a filter saved again under the same name replaces it)."""
    now = datetime.now(UTC)
    kept = filters_of(session, user_id)
    row = next((f for f in kept if f.name == name), None)
    if row is None:
        row = SavedFilter(id=_new_id(), user_id=user_id, name=name, query=query, created_at=now)
    else:
        row.query, row.created_at = query, now
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def delete_filter(session: Session, user_id: str, filter_id: str) -> bool:
    row = session.get(SavedFilter, filter_id)
    if row is None or row.user_id != user_id:
        return False
    session.delete(row)
    session.commit()
    return True
