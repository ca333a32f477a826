#!/usr/bin/env bash
# Install (when needed) and start the teller workstation on the embedded SQLite
# database with simulated devices. The first start asks for the first account.
# scripts/setup-env.sh checks the system packages Qt needs first and says which are
# missing, rather than letting Qt abort.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
bin=.venv/bin
[ -d "$bin" ] || bin=.venv/Scripts  # Windows (Git Bash)
exec "$bin/counter-app" teller --devices simulated "$@"
