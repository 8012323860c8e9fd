#!/usr/bin/env bash
# Set up crmroi-xl in .venv and run the main job on the 20-seat SME example.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check .
.venv/bin/crmroi compute examples/pme-20-postes.yaml "$@"
