"""A definition's key paths and values said in Chinese, for the pages: ``notice.working_days`` is 公示 › 工作日数.

Pure module.
"""

from typing import Any

from programs.model import Loc, Program

KEYS: dict[str, str] = {
    "id": "编号",
    "title": "名称",
    "region": "地区",
    "source": "来源文件",
    "organs": "发文机关",
    "document_no": "文号",
    "date": "日期",
    "url": "网址",
    "terms": "用语",
    "product_name": "产品名称",
    "title_word": "称号",
    "plaque": "奖牌",
    "levels": "级别",
    "key": "代码",
    "label": "名称",
    "full_title": "全称",
    "requires": "对下一级称号的要求",
    "lower": "下一级",
    "title_held_years": "持有称号年限",
    "issuing": "联合发文部门",
    "facts": "申报事项",
    "name": "名称",
    "type": "类型",
    "unit": "单位",
    "min": "下限",
    "max": "上限",
    "earliest": "最早日期",
    "latest": "最晚日期",
    "max_length": "最多字数",
    "multiline": "可换行",
    "pattern": "格式",
    "choices": "选项",
    "many": "可填多项",
    "max_items": "最多项数",
    "required": "必需",
    "institution_types": "机构类型",
    "rules": "规则",
    "code": "代码",
    "text": "文字",
    "fact": "事项",
    "op": "比较方式",
    "value": "取值",
    "all": "全部满足",
    "any": "任一满足",
    "conditions": "评定条件",
    "basic": "基本条件",
    "county": "县区自定条件",
    "set_by": "制定者",
    "types": "适用机构类型",
    "materials": "申报材料",
    "items": "材料项",
    "accepts": "接受的文件类型",
    "optional": "可选",
    "review": "评审",
    "competitive": "竞争性评审",
    "methods": "评审方式",
    "default_weights": "默认权重",
    "panel": "评审组",
    "min_size": "最少人数",
    "composition": "组成",
    "departments": "须有成员的部门",
    "tie_break": "同分优先",
    "notice": "公示",
    "working_days": "工作日数",
    "ends_at_hour": "最后一日截止时刻",
    "published_by": "发布部门",
    "where": "发布处",
    "objections": "受理异议",
    "quota": "评定名额",
    "period": "评定周期",
    "start_year": "起始年份",
    "end_year": "结束年份",
    "totals": "名额数",
    "apportioned_by": "分配依据",
    "filing": "备案",
    "deadline": "截止日",
    "addressees": "报送对象",
    "reminder_offsets": "提前提醒工作日",
    "correction": "退回补正",
    "reminder_working_days": "提前提醒工作日",
    "revocation_grounds": "撤销情形",
    "validity_years": "有效年限",
}
DEPARTMENTS = {
    "hrss": "人力资源社会保障部门",
    "drc": "发展改革部门",
    "civil_affairs": "民政部门",
    "industry": "工业和信息化部门",
    "finance": "财政部门",
}
ROLES = {"admin": "系统管理员", "county_bureau": "县区人社局", "city_reviewer": "市人社局评审"}
FACT_TYPES = {"int": "整数", "decimal": "数字", "bool": "是或否", "text": "文字", "date": "日期", "choice": "选项"}
OPS = {">=": "不小于", ">": "大于", "<=": "不大于", "<": "小于", "==": "等于", "!=": "不等于"}
OPS |= {"all_equal": "每项均为", "given": "已填报", "in": "为其中之一", "min_items": "至少几项"}
FILE_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
_KEYED = {"issuing", "totals", "default_weights"}  # mappings keyed by levels or methods


def names(program: Program | None) -> dict[str, str]:
    """The program's own keys (levels, types, methods, materials, facts, codes) and the departments, in Chinese."""
    out = dict(DEPARTMENTS) | ROLES | FACT_TYPES | OPS | FILE_TYPES
    if program is None:
        return out
    out |= {lv.key: lv.label for lv in program.levels}
    out |= {t.key: t.label for t in program.institution_types}
    out |= {m.key: m.label for m in program.review.methods}
    out |= {i.code: i.title for i in program.materials.items}
    out |= {f.name: f.label for f in [*program.facts, *(f for t in program.institution_types for f in t.facts)]}
    out |= {r.code: r.text for r in [*program.rules, *(r for t in program.institution_types for r in t.rules)]}
    return out


def path_words(loc: Loc, program: Program | None) -> str:
    """``("institution_types", 3, "rules", 0, "value")`` -> 机构类型 第4项 › 规则 第1项 › 取值."""
    known = names(program)
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            parts[-1] += f"第{part + 1}项"
            continue
        parent = loc[i - 1] if i else None
        keyed = parent in _KEYED or (parent == "levels" and i >= 2 and loc[i - 2] == "conditions")
        parts.append(known.get(part, part) if keyed else KEYS.get(part, part))
    return " › ".join(parts)


def value_words(value: Any, program: Program | None, limit: int = 60) -> str:
    """A value as a page shows it: 是/否, keys by their Chinese names, lists joined by 、, long text cut."""
    known = names(program)
    if value is None:
        return "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_words(v, program, limit) for v in value) or "无"
    if isinstance(value, dict):
        return "；".join(f"{known.get(k, k)}：{value_words(v, program, limit)}" for k, v in value.items()) or "无"
    shown = known.get(value, str(value)) if isinstance(value, str) else str(value)
    return shown if len(shown) <= limit else shown[:limit] + "…"
