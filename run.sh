#!/usr/bin/env bash
# One command on a fresh machine: set up, then run the dev server, worker and API (Ctrl-C stops them).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec .venv/bin/biaogan "${@:-up}"
