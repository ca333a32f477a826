#!/usr/bin/env bash
# Install and start the teller workstation on the embedded SQLite database with
# simulated devices. The first start asks for the first account.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
exec .venv/bin/counter-app teller --devices simulated "$@"
