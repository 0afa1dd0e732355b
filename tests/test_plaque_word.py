"""The notice calls the plaque 奖牌 (授予奖牌): no other word for it is left in what the product says, prints or
sends: the refusal register, the labels, the page templates, the documents and every product source file."""

from pathlib import Path
from types import MappingProxyType

from config import ROOT
from contracts.rules import RULES
from state import labels

WRONG = "标牌"  # what a previous version printed; the notice says 奖牌
PRODUCT = ("activities", "api", "clients", "contracts", "db", "documents", "services", "state", "web", "workflows")
SUFFIXES = {".py", ".html", ".js", ".css", ".json", ".txt", ".md"}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (dict, MappingProxyType)):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [s for v in value for s in _strings(v)]
    return []


def test_no_rule_says_it():
    assert [code for code, r in RULES.items() if WRONG in r.text] == []


def test_no_label_says_it():
    walked = {name: _strings(value) for name, value in vars(labels).items() if not name.startswith("_")}
    assert [name for name, said in walked.items() if any(WRONG in s for s in said)] == []
    assert any("奖牌" in s for said in walked.values() for s in said)  # the walk reads the labels' words


def test_no_template_or_product_file_says_it():
    files = [p for d in PRODUCT for p in (ROOT / d).rglob("*") if p.is_file() and p.suffix in SUFFIXES]
    assert any(p.parent.name == "templates" for p in files)  # the walk reaches the pages
    found = [str(p.relative_to(ROOT)) for p in files if WRONG in p.read_text(encoding="utf-8", errors="ignore")]
    assert found == []
    readme = Path(ROOT / "README.md").read_text(encoding="utf-8")
    assert WRONG not in readme
