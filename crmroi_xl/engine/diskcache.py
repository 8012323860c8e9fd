"""What is built once per machine, kept on disk: the kinds of workbook, the inverse tables.

Building a kind of workbook (:func:`crmroi_xl.excel.fast.skeleton` and its package)
takes openpyxl some 200 ms, and a simulation's inverse tables
(:func:`crmroi_xl.engine.lattice.inverse_table`) import scipy (another 200 ms): every
new process paid them again. They are kept in a cache folder, one file an entry,
and the next process reads them back (a few milliseconds).

- **Where**: ``$CRMROI_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/crmroi-xl``, else
  ``~/.cache/crmroi-xl``. ``CRMROI_CACHE_DIR=off`` (or ``none``, ``0``, empty) turns the
  cache off; ``crmroi cache clear`` empties it (:func:`clear`).
- **Key**: the entry's key (a kind: language, table capacities, currency, channels,
  simulation; a set of tables: their shapes) and a *version stamp* -- crmroi's
  version, openpyxl's, numpy's, scipy's, Python's, and the size and modification time
  of every module of the package -- so any change of version or of the code gives
  other files: a stale entry is never read.
- **Safety**: a file is written to a temporary file then renamed
  (:func:`~crmroi_xl.excel.files.write_atomic`), so concurrent batches each leave a
  whole file; a file that cannot be read back (truncated, corrupt, written by
  another version) is ignored, rebuilt and replaced. The files are pickles: the
  cache folder is the user's own, as any program's cache.

>>> stamp_text = stamp()
>>> len(stamp_text), stamp_text == stamp()
(16, True)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["ENV", "cache_dir", "clear", "load", "stamp", "store"]

#: The environment variable naming the cache folder (``off``: no cache).
ENV = "CRMROI_CACHE_DIR"
_OFF = {"", "0", "off", "none", "no", "false"}
_MAGIC = b"crmroi-kind-1\n"


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in _OFF else Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (KeyError, RuntimeError):  # no home directory: no cache
            return None
    return Path(base) / "crmroi-xl"


@lru_cache(maxsize=1)
def stamp() -> str:
    """What a cached entry is valid for, hashed: Python's version, then the size and
    modification time of every module of the package (its version in
    ``__init__.py``) and of openpyxl's, numpy's and scipy's ``__init__.py`` (found,
    not imported: an upgrade rewrites them). No ``importlib.metadata``: it reads
    every installed distribution, a tenth of a second."""
    from importlib.util import find_spec

    package = Path(__file__).resolve().parent.parent  # crmroi_xl
    files = sorted(package.rglob("*.py"))
    for name in ("openpyxl", "numpy", "scipy"):
        spec = find_spec(name)
        if spec is not None and spec.origin:
            files.append(Path(spec.origin))
    digest = hashlib.sha256(sys.version.encode() + b"\0")
    for path in files:
        info = path.stat()
        digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


def _path(folder: Path, kind: tuple[Any, ...]) -> Path:
    name = hashlib.sha256(repr(kind).encode()).hexdigest()[:24]
    return folder / stamp() / f"{name}.kind"


def load(kind: tuple[Any, ...]) -> Any | None:
    """The object stored for ``kind``, or None (no cache, no file, or a file that
    does not read back as this kind under this version stamp)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = _path(folder, kind).read_bytes()
        if not data.startswith(_MAGIC):
            return None
        stored_kind, stored_stamp, value = pickle.loads(data[len(_MAGIC) :])
    except Exception:  # missing, unreadable, truncated, foreign: built again
        return None
    if stored_kind != kind or stored_stamp != stamp():
        return None
    return value


def store(kind: tuple[Any, ...], value: Any) -> None:
    """Keep ``value`` for ``kind`` (atomically; silently nothing when the folder cannot
    be written: the cache only saves time)."""
    folder = cache_dir()
    if folder is None:
        return
    path = _path(folder, kind)
    try:
        data = _MAGIC + pickle.dumps((kind, stamp(), value), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)  # atomic: a reader sees the old file or the new
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except Exception:  # unwritable folder, an object that does not pickle: not kept
        pass


def clear() -> int:
    """Remove every cached entry (every version's); how many files were removed."""
    folder = cache_dir()
    if folder is None or not folder.is_dir():
        return 0
    removed = 0
    for path in sorted([*folder.glob("*/*.kind"), *folder.glob("*/*.tmp")]):
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    for sub in folder.iterdir():
        if sub.is_dir():
            with contextlib.suppress(OSError):
                sub.rmdir()
    return removed
