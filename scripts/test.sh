#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
