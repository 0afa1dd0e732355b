#!/usr/bin/env bash
# One command on a fresh machine: set up, then run the dev server, worker(s) and API (Ctrl-C stops them).
# ./run.sh [--workers N] [--no-api]  is  `biaogan up …`; ./run.sh demo, ./run.sh users create …: other subcommands.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
if [ $# -eq 0 ] || [[ $1 == -* ]]; then
  set -- up "$@"
fi
exec .venv/bin/biaogan "$@"
