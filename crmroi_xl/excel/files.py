"""Files on disk: atomic writes, and the checks before writing over anything.

Every file crmroi-xl writes -- an exported workbook, a batch's workbooks and
summaries, a flat scenario file -- goes through :func:`atomic_path`: the
content is written to a hidden temporary file beside the target
(``.NAME.PID.RANDOM.tmp``), then renamed over it. A failure or an
interruption leaves the target as it was and removes the temporary file; a
temporary file left by a killed process is removed by the next batch in that
folder (:func:`remove_stale_temporaries`), once its process is gone.

The new file gets the permissions the user's umask gives (as any program's
new file), or keeps those of the file it replaces.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(folder / "out.csv", b"a,b\\r\\n").read_bytes()
b'a,b\\r\\n'
>>> sorted(p.name for p in folder.iterdir())  # no temporary file left
['out.csv']
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import CrmRoiError, ScenarioError

__all__ = [
    "atomic_path",
    "read_regular",
    "regular_size",
    "remove_stale_temporaries",
    "same_file",
    "write_atomic",
]

_TEMPORARY = re.compile(r"^\..+\.(?P<pid>[0-9]+)\.[0-9a-f]{12}\.tmp$")


def _create_temporary(path: Path) -> Path:
    """A new empty file beside ``path``, created with the umask's permissions."""
    for _ in range(100):
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
        try:
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return temporary
    raise FileExistsError(f"{path}: no free temporary name")  # pragma: no cover


def _why(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write ``path``'s new content to; it replaces ``path`` when
    the block ends without error. On any error or interruption ``path`` is left as
    it was and the temporary file is removed. System errors name ``path`` (never the
    temporary file) in a :class:`~crmroi_xl.errors.CrmRoiError`.
    """
    path = Path(path)
    if path.is_dir():
        raise CrmRoiError(f"{path}: is a folder; give a file name")
    try:
        temporary = _create_temporary(path)
    except OSError as error:
        raise CrmRoiError(f"{path}: cannot write in {path.parent} ({_why(error)})") from None
    try:
        try:
            yield temporary
            with suppress(FileNotFoundError):
                os.chmod(temporary, os.stat(path).st_mode & 0o7777)  # keep the file's mode
            os.replace(temporary, path)
        except OSError as error:  # a full disk, a file that cannot be replaced...
            raise CrmRoiError(f"{path}: cannot be written ({_why(error)})") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, content: bytes) -> Path:
    """Write ``content`` to ``path`` atomically (see :func:`atomic_path`)."""
    path = Path(path)
    with atomic_path(path) as temporary:
        temporary.write_bytes(content)
    return path


def remove_stale_temporaries(folder: Path) -> int:
    """Remove the temporary files that a killed process left in ``folder``.

    Only files named as :func:`atomic_path` names them, whose process no
    longer runs, are removed. Returns how many were.
    """
    removed = 0
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.endswith(".tmp")]
    except OSError:
        return 0
    for name in names:
        match = _TEMPORARY.match(name)
        if match is None or _running(int(match["pid"])):
            continue
        try:
            (folder / name).unlink()
            removed += 1
        except OSError:
            pass
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # Windows' os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but is another user's
        return True
    return not _exited(pid)


def _exited(pid: int) -> bool:
    """Whether ``pid`` has exited but is not reaped yet (a zombie: state Z in Linux's
    /proc). A worker orphaned by a ``kill -9`` of its batch stays so until its new
    parent reaps it, which a container's first process may do late or never."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether ``a`` and ``b`` are the same existing file (links and case included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def regular_size(path: str | Path, limit: int, *, error: type[CrmRoiError] = ScenarioError) -> int:
    """The size of ``path``, checked before anything opens it: a regular file (a link
    to one is fine; a FIFO, a device such as ``/dev/zero`` or a folder is refused,
    so nothing hangs or reads without end) of at most ``limit`` bytes.

    Raises ``error`` (a :class:`~crmroi_xl.errors.CrmRoiError` class) naming the file.

    >>> regular_size("/dev/null", 10)
    Traceback (most recent call last):
    crmroi_xl.errors.ScenarioError: /dev/null: a device, not a file: refused
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except OSError as problem:
        raise error(f"{path}: cannot be read ({_why(problem)})") from None
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{path}: {_kind(info.st_mode)}, not a file: refused")
    if info.st_size > limit:
        raise error(f"{path}: {info.st_size} bytes, more than the {limit} allowed")
    return info.st_size


def read_regular(
    path: str | Path, limit: int, *, error: type[CrmRoiError] = ScenarioError
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`regular_size`);
    never more than ``limit`` bytes are read, even if the file grows meanwhile."""
    regular_size(path, limit, error=error)
    try:
        with open(path, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped meanwhile
                raise error(f"{path}: not a file: refused")
            content = handle.read(limit + 1)
    except OSError as problem:
        raise error(f"{path}: cannot be read ({_why(problem)})") from None
    if len(content) > limit:
        raise error(f"{path}: more than the {limit} bytes allowed")
    return content
