"""The forms for the acts on an application. Each names the acts it performs, the API's body model, the roles the
API's route admits (api/deps.py role_in) and the API route function itself, called as the API calls it; so a form
is shown only for an act the machine allows this user now, and refuses exactly what the API refuses."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from temporalio.client import Client

from api.deps import role_in
from api.routes import acts as acts_api
from api.routes import corrections as corrections_api
from api.routes import rounds as rounds_api
from config import Settings
from schemas.models import (
    AwardCreate,
    CoSignatureCreate,
    FindingCreate,
    NoticeCreate,
    ReviewCreate,
    RevocationCreate,
    WithdrawalCreate,
)
from state.domain import Act, Actor, Role

Call = Callable[[str, Any, Actor, Client, Settings, Mapping[str, str]], Awaitable[Any]]


def _on(client: Client, settings: Settings) -> acts_api.Workflows:
    return acts_api.Workflows(client, settings.database_url)


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

    async def admit(self, actor: Actor) -> None:
        await role_in(*self.roles)(actor)  # the API's own 403, before anything is looked at

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
        lambda i, b, a, c, s, v: acts_api.county_review(i, b, a, _on(c, s)),
    ),
    ActForm(
        "city-review",
        (Act.city_review_pass, Act.city_review_fail),
        ReviewCreate,
        (Role.city_reviewer,),
        lambda i, b, a, c, s, v: acts_api.city_review(i, b, a, _on(c, s)),
    ),
    ActForm(
        "county-correction",
        (Act.county_request_correction,),
        corrections_api.CorrectionRequestCreate,
        (Role.county_bureau,),
        lambda i, b, a, c, s, v: corrections_api.request_correction(i, b, a, c, s),
        lists=("items",),
    ),
    ActForm(
        "city-correction",
        (Act.city_request_correction,),
        corrections_api.CorrectionRequestCreate,
        (Role.city_reviewer,),
        lambda i, b, a, c, s, v: corrections_api.request_correction(i, b, a, c, s),
        lists=("items",),
    ),
    ActForm(
        "scores",
        (Act.score,),
        rounds_api.ScoreCreate,
        (Role.county_bureau, Role.city_reviewer),
        lambda i, b, a, c, s, v: rounds_api.score(i, b, a, c, s),
        numbers=("written", "defence", "field_inspection"),
    ),
    ActForm(
        "notice",
        (Act.publicize,),
        NoticeCreate,
        (Role.county_bureau, Role.city_reviewer),
        lambda i, b, a, c, s, v: acts_api.start_notice(i, b, a, _on(c, s)),
    ),
    ActForm(
        "finding",
        (Act.dismiss_objection, Act.uphold_objection),
        FindingCreate,
        (Role.county_bureau, Role.city_reviewer),
        lambda i, b, a, c, s, v: acts_api.record_finding(i, v.get("objection_id", ""), b, a, _on(c, s)),
        flags=("upheld",),
    ),
    ActForm(
        "co-sign",
        (Act.co_sign,),
        CoSignatureCreate,
        (Role.department,),
        lambda i, b, a, c, s, v: acts_api.co_sign(i, b, a, _on(c, s)),
    ),
    ActForm(
        "award",
        (Act.award,),
        AwardCreate,
        (Role.county_bureau, Role.city_reviewer),
        lambda i, b, a, c, s, v: acts_api.award(i, b, a, _on(c, s)),
    ),
    ActForm(
        "withdrawal",
        (Act.withdraw,),
        WithdrawalCreate,
        (Role.county_bureau,),
        lambda i, b, a, c, s, v: acts_api.withdraw(i, b, a, _on(c, s)),
    ),
    ActForm(
        "revocation",
        (Act.revoke,),
        RevocationCreate,
        (Role.inspector,),
        lambda i, b, a, c, s, v: acts_api.revoke(i, b, a, c, s),
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
