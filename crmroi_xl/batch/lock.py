"""One batch at a time in an output folder.

Two batches writing into one folder at once left a summary describing the other
run's workbooks, and each one removed the other's temporary files as if they
were a killed run's. A batch therefore holds a lock on its output folder from
before it touches anything there until it is done: :func:`batch_lock`, an
exclusive lock (``flock``; on Windows, ``msvcrt.locking``) on the file
:data:`LOCK_NAME` in the folder, which holds the batch's process id for the
message of the batch refused::

    crmroi: error: out: another batch (process 4242) is writing into this folder; wait
    for it to end or choose another --out-dir

The lock belongs to the open file, not to the file's existence: the system
releases it when the process ends however it ends, so the file a killed batch
leaves behind (``kill -9``, a power cut) never blocks the next batch, which
takes the lock and writes its own id. The lock is released, and the file
removed, at the end of the batch, on an error and on Ctrl-C. Taking it never
waits: a second batch is refused at once, before it writes anything.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import CrmRoiError
from ..scenario.labels import Lang
from ..scenario.messages import message, shown

__all__ = ["LOCK_NAME", "batch_lock"]

#: The lock file in a batch's output folder (hidden on Unix; it holds a process id).
LOCK_NAME = ".crmroi-batch.lock"

_OPEN = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)

if sys.platform == "win32":  # pragma: no cover - the tests run on Linux
    import msvcrt

    _BYTE = 1 << 30  # the byte locked: far from the id, which others must read

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _BYTE, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:  # for the worker processes that share the open file too
        fcntl.flock(fd, fcntl.LOCK_UN)


def _holder(fd: int) -> int | None:
    """The process id the lock's holder wrote, if it has yet."""
    with suppress(OSError, ValueError):
        os.lseek(fd, 0, os.SEEK_SET)
        return int(os.read(fd, 32).decode("ascii").strip())
    return None


def _same_file(path: Path, fd: int) -> bool:
    """Whether ``path`` still names the open file ``fd`` (a batch that ends removes it)."""
    try:
        named, opened = os.stat(path, follow_symlinks=False), os.fstat(fd)
    except OSError:
        return False
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _acquire(path: Path, lang: Lang) -> int:
    """The open lock file, locked by this process; refused when another batch holds it."""
    while True:
        try:
            fd = os.open(path, _OPEN, 0o644)
        except OSError as error:
            raise CrmRoiError(
                f"{path}: cannot create the batch's lock file ({error.strerror or error})",
                reason="batch_locked",
            ) from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise CrmRoiError(f"{path}: not a regular file; remove it", reason="batch_locked")
            if not _try_lock(fd):
                pid = _holder(fd)
                kind = "batch_locked" if pid is not None else "batch_locked_unknown"
                said = message(kind, lang, folder=shown(str(path.parent)), pid=pid)
                raise CrmRoiError(said, reason="batch_locked")
            if _same_file(path, fd):  # else a batch that just ended removed it: again
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, f"{os.getpid()}\n".encode("ascii"))
                return fd
            _unlock(fd)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


@contextmanager
def batch_lock(folder: Path, lang: Lang | None = None) -> Iterator[Path]:
    """Hold the lock of the output ``folder`` (which exists) for a batch; refused with
    one line naming the folder and the other batch's process id (in ``lang``, else in
    English) when another batch holds it. Gives the lock file's path."""
    path = folder / LOCK_NAME
    fd = _acquire(path, lang or "en")
    try:
        yield path
    finally:
        try:
            if os.name != "nt" and _same_file(path, fd):
                with suppress(OSError):  # removed while locked: no batch can take it then
                    path.unlink()
            _unlock(fd)
        finally:
            os.close(fd)
            if os.name == "nt":  # pragma: no cover - an open file cannot be removed there
                with suppress(OSError):
                    path.unlink()
