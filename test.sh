#!/usr/bin/env bash
# One command runs the whole test suite (set up first): format, lint and types, then pytest. Extra arguments go
# to pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/system-packages.sh
scripts/setup.sh
echo "• ruff format --check, ruff check, mypy"
.venv/bin/ruff format --check --quiet .
.venv/bin/ruff check --quiet .
.venv/bin/mypy --no-error-summary
exec .venv/bin/python -m pytest "$@"
