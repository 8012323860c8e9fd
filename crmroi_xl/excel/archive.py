"""The checks an xlsx file passes before any XML in it is parsed.

Workbooks arrive by e-mail from people we do not know: :func:`open_archive`
refuses, with one line naming the file, what no spreadsheet writes.

* The path must be a regular file (not a FIFO, which would hang the reader,
  nor a device such as ``/dev/zero``, which would never end, nor a folder) of
  at most :data:`MAX_FILE_BYTES`; it is checked before it is opened, and again
  once open.
* It must be a zip archive; an Excel 97-2003 file and a password-protected
  workbook (both OLE2 files) are named as such.
* At most :data:`MAX_PARTS` parts, each at most :data:`MAX_PART_BYTES` once
  unzipped and :data:`MAX_UNZIPPED_BYTES` in all, none over 1 MB inflating
  more than :data:`MAX_RATIO` times; no part is ever inflated past the size it
  declares (a zip that lies about its sizes is refused as damaged).
* ``xl/workbook.xml`` must be there, and no XML part may declare a DOCTYPE or
  entities (entity bombs and external entities need them).

The parts small enough are kept once unzipped for the scan, so a reader
parses them without unzipping them again.

>>> with open_archive("/dev/null") as (archive, kept):
...     pass
Traceback (most recent call last):
crmroi_xl.errors.WorkbookError: /dev/null: a device, not a file: refused
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import WorkbookError
from .files import regular_size

__all__ = [
    "DAMAGE",
    "MAX_FILE_BYTES",
    "MAX_PARTS",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_UNZIPPED_BYTES",
    "damaged",
    "open_archive",
]

#: A real workbook is well under a megabyte; these bounds refuse bombs early.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024  # one part once unzipped
MAX_RATIO = 200  # unzipped / zipped size of one part (over 1 MB)
MAX_PARTS = 500
SCAN_CHUNK = 256 * 1024  # XML parts are scanned for DOCTYPE/ENTITY by chunks of this size
#: Parts up to SCAN_CHUNK are kept once unzipped for the scan, up to this in all,
#: and parsed from there (the others are unzipped again as they are read).
MAX_KEPT_BYTES = 4 * 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 files, encrypted workbooks
#: An encrypted xlsx is an OLE2 file holding the zip in a stream of this name (as an
#: OLE2 directory stores it), beside an ``EncryptionInfo`` stream.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

#: Errors a damaged archive or part raises while it is read.
DAMAGE: tuple[type[Exception], ...] = (zipfile.BadZipFile, zlib.error, EOFError, OSError,
    ValueError, KeyError, IndexError, NotImplementedError, RuntimeError)  # fmt: skip


def _refuse(path: Path, message: str) -> WorkbookError:
    return WorkbookError(f"{path}: {message}")


def _open_regular(path: Path) -> IO[bytes]:
    """The file opened for reading, refused unless it is a regular file of at most
    MAX_FILE_BYTES (checked before opening: a FIFO would block, a device never end;
    and again on the open file, in case it was swapped meanwhile)."""
    regular_size(path, MAX_FILE_BYTES, error=WorkbookError)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise _refuse(path, f"cannot be read ({error.strerror or error})") from None
    handle = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        handle.close()
        raise _refuse(path, "not a file: refused")
    return handle


def _not_a_zip(path: Path, handle: IO[bytes]) -> WorkbookError:
    handle.seek(0)
    if handle.read(len(OLE2_MAGIC)) != OLE2_MAGIC:
        return _refuse(path, "not an xlsx workbook (not a zip archive)")
    handle.seek(0)
    tail = b""
    while chunk := handle.read(SCAN_CHUNK):  # the file is at most MAX_FILE_BYTES
        window = tail + chunk
        if ENCRYPTED_PACKAGE in window:
            return _refuse(
                path,
                "a password-protected workbook: remove the password in Excel (File > Info > "
                "Protect Workbook > Encrypt with Password, then clear it), save, and try again",
            )
        tail = chunk[-len(ENCRYPTED_PACKAGE) :]
    return _refuse(path, "an Excel 97-2003 (.xls) file: save it as .xlsx and try again")


def _check_parts(path: Path, archive: zipfile.ZipFile) -> dict[str, bytes]:
    entries = archive.infolist()
    if len(entries) > MAX_PARTS:
        raise _refuse(path, f"{len(entries)} parts, too many for a workbook")
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > MAX_PART_BYTES:
            raise _refuse(
                path,
                f"part {entry.filename} is {entry.file_size} bytes once unzipped, more than "
                f"the {MAX_PART_BYTES} allowed",
            )
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > MAX_RATIO and entry.file_size > 1024 * 1024:
            raise _refuse(path, f"part {entry.filename} inflates {ratio:.0f} times (zip bomb?)")
    if total > MAX_UNZIPPED_BYTES:
        raise _refuse(
            path, f"{total} bytes once unzipped, more than the {MAX_UNZIPPED_BYTES} allowed"
        )
    if "xl/workbook.xml" not in archive.NameToInfo:
        raise _refuse(path, "not an xlsx workbook (no xl/workbook.xml)")
    kept: dict[str, bytes] = {}
    budget = MAX_KEPT_BYTES
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as part:  # read(n) inflates n bytes at most, whatever
                chunks = iter(lambda: part.read(SCAN_CHUNK), b"")  # the entry claims
                if entry.file_size <= min(SCAN_CHUNK, budget):
                    content = b"".join(chunks)
                    _check_prolog(path, entry.filename, [content])
                    kept[entry.filename] = content
                    budget -= len(content)
                else:
                    _check_prolog(path, entry.filename, chunks)
    return kept


def _check_prolog(path: Path, name: str, chunks: Iterable[bytes]) -> None:
    """Refuse DTDs: no spreadsheet writes them; entity bombs and XXE need them.

    The whole part is scanned in chunks (bounded memory): comments or spaces
    may push a DOCTYPE far from the start.
    """
    tail = b""
    for chunk in chunks:
        window = tail + chunk
        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
            raise _refuse(path, f"part {name} declares a DOCTYPE or entities: refused")
        tail = chunk[-16:]


@contextmanager
def damaged(
    path: Path, part: str | None = None, errors: tuple[type[Exception], ...] = DAMAGE
) -> Iterator[None]:
    """Any of ``errors`` that a damaged file causes, as one line naming the file (and
    the part)."""
    try:
        yield
    except WorkbookError:
        raise
    except errors as error:
        where = f"part {part} " if part else ""
        message = str(error).splitlines()[0][:200] if str(error) else ""
        raise _refuse(
            path, f"{where}damaged or truncated workbook ({type(error).__name__}: {message})"
        ) from None


@contextmanager
def open_archive(path: str | Path) -> Iterator[tuple[zipfile.ZipFile, dict[str, bytes]]]:
    """The checked archive at ``path`` and the parts kept unzipped by the checks (by
    name); both closed when the block ends.

    Raises
    ------
    WorkbookError
        One line naming the file and what is wrong with it.
    """
    path = Path(path)
    handle = _open_regular(path)
    try:
        with damaged(path):
            if not zipfile.is_zipfile(handle):
                raise _not_a_zip(path, handle)
            handle.seek(0)
            archive = zipfile.ZipFile(handle)
        with archive:
            with damaged(path):
                kept = _check_parts(path, archive)
            yield archive, kept
    finally:
        handle.close()
