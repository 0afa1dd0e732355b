"""The Linyi definition (programs/definitions/linyi-2026.toml) says what the code runs today, value for value: its
types, facts, rules, conditions, checklist, timers and revocation grounds. This is what lets the code be switched to
read it without a change in behaviour."""

from itertools import product
from types import SimpleNamespace
from typing import Any

import pytest

from config import CorrectionSettings, FilingSettings, Settings
from programs.evaluate import checklist, conditions, failures, required_facts
from programs.load import SEED, read
from schemas import models
from state import conditions as state_conditions
from state import eligibility, labels, ranking
from state import materials as state_materials
from state.domain import InstitutionType, Level, RevocationReason

PROGRAM = read(SEED).program
TYPES = {t.key: t for t in PROGRAM.institution_types}
CITY_MODELS = {
    "public_agency": models.CityPublicAgency,
    "hr_agency": models.CityHrAgency,
    "township_platform": models.CityTownshipPlatform,
    "village_platform": models.CityVillagePlatform,
    "gig_market": models.CityGigMarket,
    "training": models.CityTraining,
}
NOT_FACTS = {"type", "attestations"}  # the type is the choice of institution_types; attestations, the conditions'


def test_its_types_are_the_enum_s_values_with_their_labels_in_order():
    assert [(t.key, t.label) for t in PROGRAM.institution_types] == [
        (t.value, labels.INSTITUTION_TYPES[t]) for t in InstitutionType
    ]
    assert set(CITY_MODELS) == {t.value for t in InstitutionType}


def test_its_levels_are_the_enum_s_with_their_titles_and_the_city_asks_for_the_county_title():
    assert [lv.key for lv in PROGRAM.levels] == [lv.value for lv in Level]
    for lv in PROGRAM.levels:
        level = Level(lv.key)
        assert (lv.label, lv.title, lv.full_title) == (
            labels.LEVELS[level],
            labels.level_title(level),
            labels.level_title(level, full=True),
        )
    city = PROGRAM.levels[1]
    assert city.requires is not None and city.requires.lower == "county" and city.requires.title_held_years == 0
    assert PROGRAM.terms.product_name == labels.PRODUCT_NAME


def _property(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A field's JSON Schema without its ``null`` branch, its description and title."""
    prop = dict(schema["properties"][name])
    if "anyOf" in prop:
        (branch,) = [b for b in prop.pop("anyOf") if b.get("type") != "null"]
        prop |= branch
    return {k: v for k, v in prop.items() if k not in ("description", "title", "default", "examples")}


def _fact_schema(fact) -> dict[str, Any]:
    """What the declaration's schema says of a field, as the definition's fact says it."""
    item: dict[str, Any] = {
        "int": {"type": "integer"},
        "decimal": {"type": "number"},
        "bool": {"type": "boolean"},
        "text": {"type": "string"},
        "date": {"type": "string", "format": "date"},
    }[fact.type]
    if fact.min is not None:
        item["minimum"] = fact.min
    if fact.max is not None:
        item["maximum"] = fact.max
    if fact.max_length is not None:
        item["maxLength"] = fact.max_length
    if fact.pattern is not None:
        item["pattern"] = fact.pattern
    if fact.earliest is not None:
        item["x-earliest"], item["x-latest"] = fact.earliest.isoformat(), fact.latest.isoformat()
    if fact.many:
        return {"type": "array", "items": item, "maxItems": fact.max_items}
    return item


def _comparable(prop: dict[str, Any]) -> dict[str, Any]:
    """The schema's words for a field, less the text checks' own pattern (state/text.py) that every text has."""
    prop = dict(prop)
    if prop.get("type") == "array":
        prop["items"] = _comparable(prop["items"])
    elif prop.get("format") == "date":
        prop.pop("pattern", None)  # the date range said as a pattern; x-earliest/x-latest say it in words
    elif prop.get("type") == "string" and "maxLength" in prop:
        prop.pop("pattern", None)
    return prop


def test_its_facts_are_the_declaration_s_fields_with_the_same_kinds_and_bounds():
    facts = {f.name: f for f in PROGRAM.facts} | {f.name: f for t in PROGRAM.institution_types for f in t.facts}
    schema = models.InstitutionCreate.model_json_schema()
    assert set(facts) == set(schema["properties"]) - NOT_FACTS
    for name, fact in facts.items():
        assert _comparable(_property(schema, name)) == _fact_schema(fact), name


def test_what_each_level_requires_is_what_its_schema_requires():
    county = set(models.InstitutionCreate.model_json_schema()["required"]) - NOT_FACTS
    for t in InstitutionType:
        assert set(required_facts(PROGRAM, t.value, "county")) == county, t
        city = set(CITY_MODELS[t.value].model_json_schema()["required"]) - NOT_FACTS
        assert set(required_facts(PROGRAM, t.value, "city")) == city, t


def test_the_fields_a_city_type_narrows_are_the_facts_its_rules_test_at_the_rule_s_value():
    base = models.CityInstitutionCreate.model_json_schema()
    for key, model in CITY_MODELS.items():
        schema = model.model_json_schema()
        narrowed = {n for n in base["properties"] if n != "type" and _property(schema, n) != _property(base, n)}
        rules = {r.fact: r for r in TYPES[key].rules}
        assert narrowed == set(rules), key
        for fact, rule in rules.items():
            prop = _property(schema, fact)
            if rule.op == ">=":
                assert prop["minimum"] == rule.value, (key, fact)
            elif rule.op == "==":
                assert prop["const"] is rule.value, (key, fact)
            else:
                assert rule.op == "all_equal" and prop["items"]["const"] == rule.value and prop["minItems"] == 1


def test_its_rules_are_the_coded_conditions_of_state_eligibility():
    coded = {(t.value, c.code, c.text_zh) for (t, _), c in eligibility.CONDITION_OF_FIELD.items()}
    assert {(t.key, r.code, r.text) for t in PROGRAM.institution_types for r in t.rules} == coded


CASES: list[dict[str, Any]] = [
    {},
    {"staff_count": 0},
    {"staff_count": 1},
    {"staff_count": 4},
    {"staff_count": 5},
    {"staff_count": 6, "budget_funded": True},
    {"staff_count": 5, "budget_funded": False},
    {"staff_count": 5, "budget_funded": None},
    {"premises_area_m2": 499.9},
    {"premises_area_m2": 500},
    {"premises_area_m2": 500.0},
    {"premises_area_m2": 0},
    {"training_pass_rate": 94.99, "trainee_satisfaction": 95, "assessments_last_3_years": ["优秀"]},
    {"training_pass_rate": 95, "trainee_satisfaction": 95, "assessments_last_3_years": ["优秀", "优秀", "优秀"]},
    {"training_pass_rate": 100, "trainee_satisfaction": 94.9, "assessments_last_3_years": ["优秀", "良好"]},
    {"training_pass_rate": 96, "trainee_satisfaction": 96, "assessments_last_3_years": []},
    {"training_pass_rate": None, "trainee_satisfaction": 100, "assessments_last_3_years": ["合格"]},
]
FIELDS = ("staff_count", "budget_funded", "premises_area_m2", "training_pass_rate", "trainee_satisfaction")


@pytest.mark.parametrize(("kind", "level", "case"), list(product(InstitutionType, Level, CASES)))
def test_the_evaluator_gives_the_code_s_verdicts(kind, level, case):
    facts = dict.fromkeys(FIELDS) | {"assessments_last_3_years": []} | case
    institution = SimpleNamespace(type=kind, **facts)
    expected = [(i.condition.code, i.message) for i in eligibility.ineligibilities(level, institution)]
    assert [(f.code, f.message) for f in failures(PROGRAM, kind.value, level.value, facts)] == expected


def test_its_conditions_are_the_conditions_file_s():
    book = state_conditions.load()
    for kind, level in product(InstitutionType, Level):
        assert [(c.code, c.text) for c in conditions(PROGRAM, kind.value, level.value)] == [
            (c.code, c.text) for c in book.applicable(kind, level)
        ], (kind, level)
    assert PROGRAM.conditions.county is not None and PROGRAM.conditions.county.level == "county"


def test_its_checklist_is_the_materials_file_s():
    lists = state_materials.load()
    assert {i.code: i.title for i in PROGRAM.materials.items} == {c: d.title for c, d in lists.items.items()}
    for kind, level in product(InstitutionType, Level):
        ours = [(i.code, i.title, i.required, i.accepts) for i in checklist(PROGRAM, kind.value, level.value)]
        theirs = [(i.code, i.title, i.required, i.accepts) for i in lists.checklist(kind, level)]
        assert ours == theirs, (kind, level)


def test_its_timers_are_the_configuration_s_defaults():
    """The defaults as written in config.py (the environment of the test run left aside)."""

    def default(model: type, name: str) -> object:
        field = model.model_fields[name]
        return field.default_factory() if field.default_factory else field.default

    assert PROGRAM.notice.working_days == default(Settings, "notice_working_days")
    assert PROGRAM.notice.ends_at_hour == default(Settings, "notice_end_hour")
    assert PROGRAM.filing is not None
    assert PROGRAM.filing.deadline == default(FilingSettings, "filing_deadline")
    assert PROGRAM.filing.reminder_offsets == default(FilingSettings, "filing_reminder_offsets")
    assert PROGRAM.correction is not None
    assert PROGRAM.correction.working_days == default(CorrectionSettings, "correction_working_days")
    assert PROGRAM.correction.reminder_working_days == default(CorrectionSettings, "correction_reminder_working_days")


def test_its_review_is_the_rounds_methods_and_panel():
    assert [(m.key, m.label) for m in PROGRAM.review.methods] == [(m, ranking.METHOD_ZH[m]) for m in ranking.METHODS]
    assert [m.label for m in PROGRAM.review.methods] == [labels.SCORE_PARTS[m] for m in ranking.METHODS]
    from schemas.rounds import RoundCreate

    assert PROGRAM.review.panel.min_size == RoundCreate.model_fields["panel_min"].default


def test_its_revocation_grounds_are_the_enum_s_with_their_labels():
    assert [(g.code, g.text) for g in PROGRAM.revocation_grounds] == [
        (r.value, labels.REVOCATION_REASONS[r]) for r in RevocationReason
    ]


def test_its_region_is_the_region_file_the_code_reads_and_its_issuers_are_that_city_s_organs():
    """``region = "shandong/临沂市"`` names regions/definitions/shandong.toml and its city; the departments that issue
    at each level, lead first, name that city's (and every county's) organs as the code's issuing_organs does."""
    from regions.loader import DEFINITIONS, load_file

    file, city_name = PROGRAM.region.split("/")
    (city,) = [c for c in load_file(DEFINITIONS / f"{file}.toml").cities if c.name == city_name]
    assert city.name == labels.CITY
    city_organs = city.organs()
    assert tuple(city_organs[k].name for k in PROGRAM.issuing["city"]) == labels.issuing_organs(Level.city)
    for county in city.counties:
        organs = county.organs()
        named = tuple(organs[k].name for k in PROGRAM.issuing["county"])
        assert named == labels.issuing_organs(Level.county, county.name)
