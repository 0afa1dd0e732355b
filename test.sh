#!/usr/bin/env bash
# One command runs the whole test suite (set up first). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/system-packages.sh
scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
