"""Run the command line in a child process with a memory and a time limit.

Attacks that used to take gigabytes or hang (a YAML alias bomb, a FIFO, a link
to ``/dev/zero``) are run here, so a regression fails one test -- the child
hits its limit -- instead of taking the machine down. The limits are safety
bounds far above what a refusal needs (a fraction of a second, some 100 MB),
not performance figures.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: The address space of the child: Python, numpy and the package take about 400 MB.
MEMORY = 1 << 30  # 1 GiB, the bound issue 14 sets
SECONDS = 60


@dataclass(frozen=True)
class Outcome:
    """How the child ended: its exit code (None: killed at the time limit) and output."""

    code: int | None
    out: str
    err: str


def crmroi(*args: str, cwd: Path | None = None, seconds: float = SECONDS) -> Outcome:
    """``crmroi ARGS`` in a child limited to :data:`MEMORY` and ``seconds``.

    The child sets its own limit before importing anything (no ``preexec_fn``,
    unsafe when the test process runs threads).
    """
    code = (
        "import resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY})); "
        "from crmroi_xl.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            timeout=seconds,
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:  # the child is killed
        return Outcome(None, str(expired.stdout or ""), str(expired.stderr or ""))
    return Outcome(done.returncode, done.stdout, done.stderr)
