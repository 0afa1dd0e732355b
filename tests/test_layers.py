"""The rooms and which may import which: no import runs back up the layers, no route imports a route."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = {
    "state", "contracts", "db", "activities", "workflows", "clients", "api", "web", "documents",
    "config", "logs", "worker", "cli", "demo", "quota_cli", "programs_cli", "services", "storage", "schemas", "seals",
    "regions", "programs", "tomlpath",
}  # fmt: skip
# Each room and the rooms (besides itself) it may import from.
ALLOWED = {
    # Where a key path sits in a TOML text, for the errors of region and program files: a leaf below both.
    "tomlpath": set(),
    # state reads the deployment's region (its counties, its organs); regions is data and its checks.
    "regions": {"tomlpath"},
    "state": {"regions"},
    "programs": {"tomlpath"},  # pure, like state: a program's definition and what its data says
    "documents": set(),
    "storage": {"config"},
    "seals": {"config", "documents"},  # documents: the seal places a renderer marks (documents/seal_places.py)
    "contracts": {"state"},
    "schemas": {"state", "contracts", "programs"},
    "db": {"state", "contracts", "config", "storage", "programs", "regions"},
    "activities": {"state", "contracts", "db", "config", "storage", "seals", "programs", "regions"},
    "workflows": {"state", "contracts", "activities"},  # activities: only for their method references
    "clients": {"state", "contracts", "workflows", "activities", "config"},
    "services": {
        "state", "contracts", "db", "clients", "workflows", "activities", "documents", "config", "logs", "storage",
        "schemas", "seals", "programs", "regions",
    },
    "api": {
        "state", "contracts", "db", "clients", "workflows", "activities", "documents", "config", "logs", "storage",
        "services", "schemas", "seals", "programs",
    },
    "web": {
        "state", "contracts", "db", "clients", "workflows", "activities", "documents", "config", "logs", "storage",
        "services", "schemas", "seals", "programs", "regions",
    },
}  # fmt: skip
# The round's selection is an activity that drives other workflows (reserve places, pass or fail the review)
# through their typed handles, and so does a publication's reservation of its place under the quota: the two
# activities that reach sideways into workflows.
EXCEPTIONS = {
    "activities/rounds.py": {"workflows"},
    "activities/places.py": {"workflows"},
    # The revocation's decision is rendered once, by the activity that keeps it (documents is a leaf).
    "activities/revocation.py": {"documents"},
    "activities/announcement.py": {"workflows", "documents"},
}
# Calls of Temporal's client (workflow handles, updates, signals, queries, starts) belong in clients/ and the
# services that use them. The activities that drive other workflows are the documented exceptions above.
TEMPORAL_CALLS = {
    "execute_update", "start_update", "start_workflow", "execute_workflow", "signal_with_start_workflow",
    "get_workflow_handle", "get_workflow_handle_for", "signal", "query",
}  # fmt: skip
TEMPORAL_CALLS_ELSEWHERE = {
    "activities/rounds.py",
    "activities/places.py",
    "activities/revocation.py",
    "activities/announcement.py",
}


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


def test_the_api_and_the_pages_do_not_import_each_other():
    """Siblings over services/: only app.py, which composes them, imports both."""
    wrong = []
    for room, other in (("web", "api"), ("api", "web")):
        for path in (ROOT / room).rglob("*.py"):
            where = str(path.relative_to(ROOT))
            wrong += [f"{where} imports {name}" for name in imports_of(path) if name.split(".")[0] == other]
    assert not wrong, "\n".join(sorted(set(wrong)))


def temporal_calls_in(path: Path) -> set[str]:
    return {
        node.func.attr
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in TEMPORAL_CALLS
    }


def test_temporal_is_called_only_from_clients_and_services():
    """workflows/ is left out: a workflow signals another through its own (deterministic) handle, not a client."""
    wrong = []
    for room in set(ALLOWED) - {"clients", "services", "workflows"}:
        for path in (ROOT / room).rglob("*.py"):
            where = str(path.relative_to(ROOT))
            if where in TEMPORAL_CALLS_ELSEWHERE:
                continue
            wrong += [f"{where} calls {call}" for call in sorted(temporal_calls_in(path))]
    assert not wrong, "\n".join(sorted(wrong))


def test_the_temporal_check_sees_a_call(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("async def f(client):\n    await client.get_workflow_handle('x').signal('s')\n")
    assert temporal_calls_in(bad) == {"get_workflow_handle", "signal"}
