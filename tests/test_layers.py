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
EXCEPTIONS = {"activities/rounds.py": {"workflows"}, "activities/places.py": {"workflows"}}
# The pages call services/, never the API. These pages (and helpers of pages) still import api/ while their areas
# move under services/ (issue 18): web/routes/applications.py for api.filing_forms' XLSX writer, the others for
# api.deps, api.auth, api.routes.*, api.todo, api.ratelimit. Shrink this list; "api" leaves web's ALLOWED with it.
WEB_IMPORTS_API_FOR_NOW = {
    "web/page_calls.py", "web/tasks.py", "web/routes/applications.py",
    "web/routes/filings.py", "web/routes/historic_titles.py", "web/routes/home.py",
    "web/routes/notifications.py", "web/routes/public.py", "web/routes/quotas.py", "web/routes/rounds.py",
    "web/routes/standards.py", "web/routes/statistics.py",
}  # fmt: skip
# Calls of Temporal's client (workflow handles, updates, signals, queries, starts) belong in clients/ and the
# services that use them. The activities that drive other workflows are the documented exceptions above; these
# routes still call Temporal themselves until their areas move under services/ (issue 18).
TEMPORAL_CALLS = {
    "execute_update", "start_update", "start_workflow", "execute_workflow", "signal_with_start_workflow",
    "get_workflow_handle", "get_workflow_handle_for", "signal", "query",
}  # fmt: skip
TEMPORAL_CALLS_ELSEWHERE = {"activities/rounds.py", "activities/places.py"}
TEMPORAL_CALLS_FOR_NOW = {
    "api/routes/filings.py", "api/routes/public.py", "api/routes/quotas.py", "api/routes/rounds.py",
    "api/routes/tasks.py",
}  # fmt: skip


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


def test_no_page_imports_the_api():
    wrong = []
    for path in (ROOT / "web").rglob("*.py"):
        where = str(path.relative_to(ROOT))
        if where in WEB_IMPORTS_API_FOR_NOW:
            continue
        wrong += [f"{where} imports {name}" for name in imports_of(path) if name.split(".")[0] == "api"]
    assert not wrong, "\n".join(sorted(set(wrong)))
    still = {w for w in WEB_IMPORTS_API_FOR_NOW if any(n.split(".")[0] == "api" for n in imports_of(ROOT / w))}
    assert still == WEB_IMPORTS_API_FOR_NOW, (
        f"no longer imports api: drop from the list {WEB_IMPORTS_API_FOR_NOW - still}"
    )


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
            if where in TEMPORAL_CALLS_ELSEWHERE | TEMPORAL_CALLS_FOR_NOW:
                continue
            wrong += [f"{where} calls {call}" for call in sorted(temporal_calls_in(path))]
    assert not wrong, "\n".join(sorted(wrong))
    still = {w for w in TEMPORAL_CALLS_FOR_NOW if temporal_calls_in(ROOT / w)}
    assert still == TEMPORAL_CALLS_FOR_NOW, (
        f"calls Temporal no more: drop from the list {TEMPORAL_CALLS_FOR_NOW - still}"
    )


def test_the_temporal_check_sees_a_call(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("async def f(client):\n    await client.get_workflow_handle('x').signal('s')\n")
    assert temporal_calls_in(bad) == {"get_workflow_handle", "signal"}
