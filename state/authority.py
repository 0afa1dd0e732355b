"""Who may act on an application, as refusals by rule: the role an act is for (``role_for``), the county bureau
of the application's county, the departments of its level, and separation of duties (``SEPARATED``).

Each refusal is a ``Refused``: a rule's code and its facts. The texts are registered under the same codes in
contracts/rules/engine.py (a workflow or a service raises the coded refusal); ``Refused.text`` says them here too,
for callers that want the words only (``state.domain.authority_refusal``).
"""

from dataclasses import dataclass

from state.domain import SEPARATED, Act, Actor, Level, Role, role_for
from state.labels import ACTS, LEVELS, ROLES


@dataclass(frozen=True)
class Refused:
    """Why an actor may not act, as a rule's ``code`` and its facts (``*_label``: the Chinese words the text
    shows). The texts are registered as rules under the same codes (contracts/rules/engine.py), so an API or a
    workflow turns this into a coded refusal; ``text`` is the same words here, where the register cannot be
    reached (state is below contracts)."""

    code: str
    facts: dict[str, str]

    @property
    def text(self) -> str:
        return REFUSED_TEXTS[self.code].format(**self.facts)


# The texts of the refusals below, by code (registered as rules in contracts/rules/engine.py).
REFUSED_TEXTS: dict[str, str] = {
    "separation_of_duties": "职责分离：申报人（{name}）不能对本人申报的申请{what}，请由本局其他工作人员办理",
    "act_for_role": "{level_label}申请的“{act_label}”由{required_label}办理，当前账号为{role_label}",
    "act_for_county": "“{act_label}”由{county}人社局办理，当前账号属于{actor_county_label}",
    "co_sign_needs_department": "会签须由部门账号办理（人力资源社会保障局、发展改革委或民政局），当前账号未指定部门",
    "co_sign_level": "{level_label}申请的公布文件由{where}的三个部门会签",
}


def separation_refused(act: Act, actor: Actor, declarer_user_id: str | None) -> Refused | None:
    """Why the declaring account may not take ``act`` on its own declaration; None if it may (or another may)."""
    what = SEPARATED.get(act)
    if what is None or declarer_user_id is None or actor.user_id != declarer_user_id:
        return None
    return Refused("separation_of_duties", {"name": actor.name, "what": what, "act": act.value})


def authority_refused(act: Act, actor: Actor, level: Level, county: str) -> Refused | None:
    """Why ``actor`` may not perform ``act`` on an application of ``level`` in ``county``; None if they may."""
    required = role_for(act, level)
    words = {
        "act": act.value,
        "act_label": ACTS.get(act, act.value),
        "level": level.value,
        "level_label": LEVELS[level],
    }
    if actor.role != required:
        return Refused(
            "act_for_role",
            words
            | {
                "required_role": required.value,
                "required_label": ROLES[required],
                "role": actor.role.value,
                "role_label": ROLES[actor.role],
            },
        )
    if required == Role.county_bureau and actor.county != county:
        where = f"{actor.county}人社局" if actor.county else "未指定县区的账号"
        return Refused("act_for_county", words | {"county": county, "actor_county_label": where})
    if required == Role.department:
        if actor.department is None:
            return Refused("co_sign_needs_department", words)
        signer_level_ok = actor.county is None if level == Level.city else actor.county == county
        if not signer_level_ok:
            return Refused("co_sign_level", words | {"where": "市" if level == Level.city else county})
    return None
