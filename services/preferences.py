"""The caller's 常用意见 (saved opinions): their own list, kept for filling opinion fields; user preference data in
the read model, not process state, so written directly (db/preferences.py). Each caller sees only their own."""

from db.preferences import OPINION_LENGTH, SavedOpinion, opinions_of, save_opinion, text_problem
from services.context import Context
from services.refusals import Refusal
from state.domain import Actor


def checked_opinion(text: str) -> str:
    """The opinion as kept (stripped); 422 with the text rule it breaks (said in Chinese by db/preferences)."""
    text = text.strip()
    problem = text_problem(text, "常用意见", OPINION_LENGTH, multiline=True)
    if problem:
        raise Refusal(422, problem[1], field="text", rule=problem[0])
    return text


def opinions(actor: Actor, ctx: Context) -> list[SavedOpinion]:
    with ctx.session() as s:
        return opinions_of(s, actor.user_id)


def add_opinion(actor: Actor, ctx: Context, text: str) -> list[SavedOpinion]:
    """Save ``text`` as one of the caller's opinions; the list after."""
    kept = checked_opinion(text)
    with ctx.session() as s:
        return save_opinion(s, actor.user_id, kept)
