#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then lint, type-check and test.
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# Spreadsheet engines for the workbook checks (LibreOffice headless; its scripting
# interface UNO, for the system's Python, to make a user's edits; Gnumeric's ssconvert),
# PDF rendering, and Carlito, the metric twin of Excel's Calibri, so pages print as they
# do from Excel.
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
    || ! command -v ssconvert >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi carlito \
    || ! /usr/bin/python3 -c "import uno" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            libreoffice-calc-nogui python3-uno gnumeric poppler-utils fonts-crosextra-carlito \
            >/dev/null
    else
        echo "scripts/test.sh: LibreOffice, its UNO or Gnumeric missing; install libreoffice-calc-nogui, python3-uno, gnumeric, poppler-utils and fonts-crosextra-carlito" >&2
    fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy crmroi_xl
.venv/bin/lint-imports  # the layers of crmroi_xl (pyproject.toml, docs/architecture.md)
.venv/bin/python -m pytest "$@"
