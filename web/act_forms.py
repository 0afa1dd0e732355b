"""The forms for the acts on an application. Each names the acts it performs, the API's body model, the roles the
API's route admits, and the one service the API's route calls (services/acts.py, services/corrections.py), called
with the form's values; so a form is shown only for an act the machine allows this user now, and refuses exactly
what the API refuses, in the same words."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from contracts.rules.applications import ACT_NOT_FOR_ROLE
from schemas.applications import CorrectionRequestCreate, ScoreCreate
from schemas.models import (
    AwardCreate,
    CoSignatureCreate,
    FindingCreate,
    NoticeCreate,
    ReviewCreate,
    RevocationCreate,
    WithdrawalCreate,
)
from services import acts, corrections, revocations
from services.context import Context
from services.refusals import Refusal
from state.domain import Act, Actor, Role

# The service an act's form calls: (context, actor, application id, body, the form's own values) -> its answer.
Call = Callable[[Context, Actor, str, Any, Mapping[str, str]], Awaitable[Any]]


@dataclass(frozen=True)
class ActForm:
    name: str  # the URL part: /applications/{id}/acts/{name}
    acts: tuple[Act, ...]  # shown when the user may do any of these now
    model: type[BaseModel]
    roles: tuple[Role, ...]
    call: Call
    numbers: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # "true" / "false" radios
    lists: tuple[str, ...] = ()  # checkboxes: the values chosen, one a line (web/routes/acts.py)

    def admit(self, actor: Actor) -> None:
        """The roles the API's route admits: 403 for anyone else, before anything is looked at."""
        if actor.role not in self.roles:
            raise Refusal(403, ACT_NOT_FOR_ROLE)

    def body(self, values: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        """The API body from the form's text, and the fields that are not even of the right kind."""
        data: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in self.model.model_fields:
            raw = values.get(name, "").strip()
            if name in self.numbers:
                if raw:
                    try:
                        data[name] = float(raw)
                    except ValueError:
                        errors[name] = "应填写数字"
            elif name in self.flags:
                if raw in ("true", "false"):
                    data[name] = raw == "true"
            elif name in self.lists:
                data[name] = [v.strip() for v in raw.splitlines() if v.strip()]
            elif raw or name not in ("published_on", "source_url", "files"):  # files: uploaded (web/routes/acts.py)
                data[name] = raw
        return data, errors

    def done(self, body: Any) -> Act:
        """The act performed: a review's pass or fail, a finding's upheld or dismissed."""
        if self.name in ("county-review", "city-review"):
            return self.acts[0] if body.decision == "pass" else self.acts[1]
        if self.name == "finding":
            return Act.uphold_objection if body.upheld else Act.dismiss_objection
        return self.acts[0]


FORMS = (
    ActForm(
        "county-review",
        (Act.county_review_pass, Act.county_review_fail),
        ReviewCreate,
        (Role.county_bureau,),
        lambda c, a, i, b, v: acts.county_review(c, a, i, b.decision == "pass", b.opinion),
    ),
    ActForm(
        "city-review",
        (Act.city_review_pass, Act.city_review_fail),
        ReviewCreate,
        (Role.city_reviewer,),
        lambda c, a, i, b, v: acts.city_review(c, a, i, b.decision == "pass", b.opinion),
    ),
    ActForm(
        "county-correction",
        (Act.county_request_correction,),
        CorrectionRequestCreate,
        (Role.county_bureau,),
        lambda c, a, i, b, v: corrections.request_correction(c, a, i, b),
        lists=("items",),
    ),
    ActForm(
        "city-correction",
        (Act.city_request_correction,),
        CorrectionRequestCreate,
        (Role.city_reviewer,),
        lambda c, a, i, b, v: corrections.request_correction(c, a, i, b),
        lists=("items",),
    ),
    ActForm(
        "scores",
        (Act.score,),
        ScoreCreate,
        (Role.county_bureau, Role.city_reviewer),
        lambda c, a, i, b, v: acts.score(c, a, i, b.opinion, b.written, b.defence, b.field_inspection),
        numbers=("written", "defence", "field_inspection"),
    ),
    ActForm(
        "notice",
        (Act.publicize,),
        NoticeCreate,
        (Role.county_bureau, Role.city_reviewer),
        lambda c, a, i, b, v: acts.publicize(c, a, i, b.published_on, b.source_url),
    ),
    ActForm(
        "finding",
        (Act.dismiss_objection, Act.uphold_objection),
        FindingCreate,
        (Role.county_bureau, Role.city_reviewer),
        lambda c, a, i, b, v: acts.record_finding(c, a, i, v.get("objection_id", ""), b.upheld, b.finding),
        flags=("upheld",),
    ),
    ActForm(
        "co-sign",
        (Act.co_sign,),
        CoSignatureCreate,
        (Role.department,),
        lambda c, a, i, b, v: acts.co_sign(c, a, i, b.document_no),
    ),
    ActForm(
        "award",
        (Act.award,),
        AwardCreate,
        (Role.county_bureau, Role.city_reviewer),
        lambda c, a, i, b, v: acts.award(c, a, i, b.plaque_no, b.awarded_on),
    ),
    ActForm(
        "withdrawal",
        (Act.withdraw,),
        WithdrawalCreate,
        (Role.county_bureau,),
        lambda c, a, i, b, v: acts.withdraw(c, a, i, b.reason),
    ),
    ActForm(
        "revocation",
        (Act.revoke,),
        RevocationCreate,
        (Role.inspector,),
        lambda c, a, i, b, v: revocations.propose(c, a, i, b.reason, b.evidence, b.files),
    ),
)
BY_NAME = {f.name: f for f in FORMS}


# The acts of whoever reviews a declaration: to them a declaration is passed, failed or returned, not withdrawn.
REVIEWING = {
    Act.county_review_pass,
    Act.county_review_fail,
    Act.county_request_correction,
    Act.city_review_pass,
    Act.city_review_fail,
    Act.city_request_correction,
}


def forms_for(allowed: list[Act]) -> list[ActForm]:
    """The forms for the acts this user may do now, in the procedure's order. Whoever may review the declaration
    is not shown the red 撤回 form beside the review (their answer is 不通过 or 退回补正); the declarer, who may
    not review it (separation of duties), is."""
    reviewing = any(a in REVIEWING for a in allowed)
    return [f for f in FORMS if any(a in allowed for a in f.acts) and not (reviewing and f.name == "withdrawal")]
