"""The read model of a round's review panel (评审组): its members and their recusals (回避), projected by
RoundWorkflow; the to-do list (待办) reads them to list the candidates a member owes a score."""

from datetime import datetime

from sqlmodel import Field, Session, SQLModel, select


class PanelMember(SQLModel, table=True):
    __tablename__ = "round_panel_member"

    round_id: str = Field(primary_key=True)
    user_id: str = Field(primary_key=True, index=True)
    name: str


class PanelRecusal(SQLModel, table=True):
    __tablename__ = "round_recusal"

    round_id: str = Field(primary_key=True)
    user_id: str = Field(primary_key=True)
    application_id: str = Field(primary_key=True)
    reason: str
    at: datetime


def panel_duties(session: Session, user_id: str) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    """The rounds that have a panel, those ``user_id`` sits on, and their recusals as (round, application)."""
    rounds = set(session.exec(select(PanelMember.round_id).distinct()).all())
    mine = set(session.exec(select(PanelMember.round_id).where(PanelMember.user_id == user_id)).all())
    recused = session.exec(
        select(PanelRecusal.round_id, PanelRecusal.application_id).where(PanelRecusal.user_id == user_id)
    ).all()
    return rounds, mine, {(r, a) for r, a in recused}
