"""What a definition's parts say of each other: every key named is defined, every code is used once, a rule tests a
fact its type states with an operator that fits. Each problem is a key path and its Chinese.

Pure module.
"""

from collections.abc import Iterable
from fractions import Fraction

from programs.model import Clause, Condition, Fact, Loc, Program, Rule, Scope

NUMERIC = {">=", ">", "<=", "<"}


def reference_problems(p: Program) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    levels = [lv.key for lv in p.levels]
    types = [t.key for t in p.institution_types]

    def unique(keys: Iterable[tuple[Loc, str]], what: str) -> None:
        seen: set[str] = set()
        for loc, key in keys:
            if key in seen:
                out.append((loc, f"{what}“{key}”重复"))
            seen.add(key)

    def scope(loc: Loc, value: Scope, known: list[str], what: str) -> None:
        if value != "*":
            for i, key in enumerate(value):
                if key not in known:
                    out.append(((*loc, i), f"没有此{what}：{key}（可用：{'、'.join(known)}）"))

    unique(((("levels", i, "key"), lv.key) for i, lv in enumerate(p.levels)), "级别")
    for i, lv in enumerate(p.levels):
        if lv.requires and lv.requires.lower not in levels[:i] and not lv.requires.title:
            out.append((("levels", i, "requires", "lower"), f"应为排在前面的较低级别，不是“{lv.requires.lower}”"))
    for level, departments in p.issuing.items():
        if level not in levels:
            out.append((("issuing", level), f"没有此级别：{level}"))
        if not departments:
            out.append((("issuing", level), "至少一个部门"))
    departments = sorted({d for ds in p.issuing.values() for d in ds})
    if p.notice.published_by not in departments:
        out.append((("notice", "published_by"), f"应为发文部门之一：{'、'.join(departments)}"))

    common = {f.name for f in p.facts}
    unique(((("facts", i, "name"), f.name) for i, f in enumerate(p.facts)), "事项")
    unique(((("institution_types", i, "key"), t.key) for i, t in enumerate(p.institution_types)), "机构类型")
    for i, f in enumerate(p.facts):
        out += _fact_problems(("facts", i), f, levels)
    rule_codes: list[tuple[Loc, str]] = []
    for j, rule in enumerate(p.rules):
        where: Loc = ("rules", j)
        rule_codes.append(((*where, "code"), rule.code))
        scope((*where, "levels"), rule.levels, levels, "级别")
        scope((*where, "types"), rule.types, types, "机构类型")
        applies = [t for t in p.institution_types if rule.types == "*" or t.key in rule.types]
        shared = set.intersection(*({f.name for f in t.facts} for t in applies)) if applies else set()
        known = {f.name: f for f in p.facts} | {f.name: f for t in applies for f in t.facts if f.name in shared}
        out += _rule_problems(where, rule, known)
    for i, t in enumerate(p.institution_types):
        for j, f in enumerate(t.facts):
            if f.name in common:
                out.append((("institution_types", i, "facts", j, "name"), f"“{f.name}”已是各类型共有的事项"))
            out += _fact_problems(("institution_types", i, "facts", j), f, levels)
        for j, rule in enumerate(t.rules):
            where = ("institution_types", i, "rules", j)
            rule_codes.append(((*where, "code"), rule.code))
            scope((*where, "levels"), rule.levels, levels, "级别")
            if rule.types != "*":
                out.append((((*where, "types")), "机构类型自己的规则不另写适用类型"))
            out += _rule_problems(where, rule, {f.name: f for f in [*p.facts, *t.facts]})
    unique(rule_codes, "规则代码")

    conditions: list[tuple[Loc, Condition]] = [
        (("conditions", "basic", i), c) for i, c in enumerate(p.conditions.basic)
    ]
    for level, listed in p.conditions.levels.items():
        if level not in levels:
            out.append((("conditions", "levels", level), f"没有此级别：{level}"))
        conditions += [(("conditions", "levels", level, i), c) for i, c in enumerate(listed)]
    unique((((*loc, "code"), c.code) for loc, c in conditions), "条件代码")
    for loc, c in conditions:
        scope((*loc, "types"), c.types, types, "机构类型")
        scope((*loc, "levels"), c.levels, levels, "级别")
    if p.conditions.county and p.conditions.county.level not in levels:
        out.append((("conditions", "county", "level"), f"没有此级别：{p.conditions.county.level}"))

    items = [m.code for m in p.materials.items]
    unique(((("materials", "items", i, "code"), code) for i, code in enumerate(items)), "材料代码")
    for i, r in enumerate(p.materials.rules):
        at: Loc = ("materials", "rules", i)
        scope((*at, "levels"), r.levels, levels, "级别")
        scope((*at, "types"), r.types, types, "机构类型")
        for part in ("required", "optional"):
            scope((*at, part), getattr(r, part), items, "材料")

    methods = [m.key for m in p.review.methods]
    unique(((("review", "methods", i, "key"), k) for i, k in enumerate(methods)), "评审方式")
    for method in p.review.default_weights:
        if method not in methods:
            out.append((("review", "default_weights", method), f"没有此评审方式：{method}"))
    weights = p.review.default_weights.values()
    if weights and (any(w <= 0 for w in weights) or sum(Fraction(str(w)) for w in weights) != 1):
        out.append((("review", "default_weights"), "各项权重应大于0且之和为1"))
    if p.review.panel:
        scope(("review", "panel", "departments"), p.review.panel.departments, departments, "部门")

    if p.quota:
        for level in p.quota.totals:
            if level not in levels:
                out.append((("quota", "totals", level), f"没有此级别：{level}"))
        if p.quota.end_year < p.quota.start_year:
            out.append((("quota", "end_year"), "不应早于起始年份"))
    if p.filing and p.filing.level not in levels:
        out.append((("filing", "level"), f"没有此级别：{p.filing.level}"))
    if p.filing and any(not 0 <= d <= 60 for d in p.filing.reminder_offsets):
        out.append((("filing", "reminder_offsets"), "提醒应在截止日前0至60个工作日"))
    unique(((("revocation_grounds", i, "code"), g.code) for i, g in enumerate(p.revocation_grounds)), "撤销情形代码")
    return out


def _fact_problems(where: Loc, f: Fact, levels: list[str]) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    if f.min is not None and f.max is not None and f.min > f.max:
        out.append(((*where, "max"), "不应小于下限"))
    if (f.min is not None or f.max is not None) and f.type not in ("int", "decimal"):
        out.append(((*where, "min" if f.min is not None else "max"), "只有整数或数字事项有上下限"))
    if f.type == "choice" and not f.choices:
        out.append(((*where, "choices"), "选项事项至少一个选项"))
    if f.earliest and f.latest and f.earliest > f.latest:
        out.append(((*where, "latest"), "不应早于最早日期"))
    if isinstance(f.required, list):
        for i, level in enumerate(f.required):
            if level not in levels:
                out.append(((*where, "required", i), f"没有此级别：{level}"))
    return out


def _rule_problems(where: Loc, rule: Rule, facts: dict[str, Fact]) -> list[tuple[Loc, str]]:
    single = rule.fact is not None or rule.op is not None
    if sum((single, bool(rule.all), bool(rule.any))) != 1:
        return [(where, "规则须写 fact 与 op，或 all、any 之一")]
    if single:
        return _clause_problems(where, Clause(fact=rule.fact or "", op=rule.op or "given", value=rule.value), facts)
    out: list[tuple[Loc, str]] = []
    for part in ("all", "any"):
        for i, clause in enumerate(getattr(rule, part)):
            out += _clause_problems((*where, part, i), clause, facts)
    return out


def _clause_problems(where: Loc, c: Clause, facts: dict[str, Fact]) -> list[tuple[Loc, str]]:
    if not c.fact:
        return [((*where, "fact"), "缺少此项")]
    if c.fact not in facts:
        return [((*where, "fact"), f"此类型没有事项：{c.fact}")]
    v = c.value
    if c.op in (*NUMERIC, "min_items") and (isinstance(v, bool) or not isinstance(v, (int, float))):
        return [((*where, "value"), "应为数字")]
    if c.op == "in" and not isinstance(v, list):
        return [((*where, "value"), "应为列表")]
    if c.op in ("==", "!=", "all_equal") and (v is None or isinstance(v, list)):
        return [((*where, "value"), "应为一个值")]
    if c.op == "given" and v is not None:
        return [((*where, "value"), "已填报（given）不带取值")]
    fact = facts[c.fact]
    if c.op in NUMERIC and fact.type not in ("int", "decimal"):
        return [((*where, "op"), f"事项“{fact.label}”不是数字，不能比较大小")]
    if c.op in ("all_equal", "min_items") and not fact.many:
        return [((*where, "op"), f"事项“{fact.label}”只填一项，不能按多项判断")]
    if c.op in ("==", "!=") and (fact.type == "bool") != isinstance(v, bool):
        return [((*where, "value"), "应为 true 或 false" if fact.type == "bool" else f"事项“{fact.label}”不是是或否")]
    return []
