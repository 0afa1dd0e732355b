"""The rooms and which may import which: no import runs back up the layers, no route imports a route."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = {
    "state", "contracts", "db", "activities", "workflows", "clients", "api", "web", "documents",
    "config", "logs", "worker", "cli", "demo", "quota_cli", "services", "storage", "schemas",
}  # fmt: skip
# Each room and the rooms (besides itself) it may import from.
ALLOWED = {
    "state": set(),
    "documents": set(),
    "storage": {"config"},
    "contracts": {"state"},
    "schemas": {"state", "contracts"},
    "db": {"state", "contracts", "config", "storage"},
    "activities": {"state", "contracts", "db", "config", "storage"},
    "workflows": {"state", "contracts", "activities"},  # activities: only for their method references
    "clients": {"state", "contracts", "workflows", "activities", "config"},
    "services": {
        "state", "contracts", "db", "clients", "workflows", "activities", "documents", "config", "logs", "storage",
        "schemas",
    },
    "api": {
        "state", "contracts", "db", "clients", "workflows", "activities", "documents", "config", "logs", "storage",
        "services", "schemas",
    },
    "web": {
        "state", "contracts", "db", "clients", "workflows", "activities", "documents", "config", "logs", "storage",
        "services", "schemas", "api",
    },
}  # fmt: skip
# The round's selection is an activity that drives other workflows (reserve places, pass or fail the review)
# through their typed handles, and so does a publication's reservation of its place under the quota: the two
# activities that reach sideways into workflows.
# And the app factory composes the API with the pages (web/, which builds on api/) into one app.
EXCEPTIONS = {"activities/rounds.py": {"workflows"}, "activities/places.py": {"workflows"}, "api/main.py": {"web"}}


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_no_import_runs_back_up_the_layers():
    wrong = []
    for room, allowed in ALLOWED.items():
        for path in (ROOT / room).rglob("*.py"):
            for name in imports_of(path):
                top = name.split(".")[0]
                excepted = EXCEPTIONS.get(str(path.relative_to(ROOT)), set())
                if top in OURS and top != room and top not in allowed | excepted:
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_no_route_imports_a_route_and_the_api_does_not_import_the_worker():
    wrong = []
    for path in (ROOT / "api").rglob("*.py"):
        for name in imports_of(path):
            if path.parent.name == "routes" and name.startswith("api.routes"):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
            if name.split(".")[0] in ("worker", "cli"):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_the_layer_check_sees_a_wrong_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from workflows.application import ApplicationWorkflow\nimport api.routes.public\n")
    assert {"workflows.application", "api.routes.public"} <= imports_of(bad)
