#!/usr/bin/env bash
# Set up crmroi-xl in .venv and write the demo workbook (a 20-seat SME) to demo.xlsx.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check .
.venv/bin/crmroi demo -o demo.xlsx "$@"
