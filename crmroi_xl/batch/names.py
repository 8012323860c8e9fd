"""File names of a batch's workbooks: safe on every system, unique, in input order.

:func:`slugify` turns a scenario's name into a file name stem;
:class:`FileNames` hands out unique names one at a time, as a batch reads its
scenarios (the first of equal names gets the plain stem, the next ``-2``,
``-3`` ...); :func:`file_names` does the same for a whole list.

Each stem keeps a counter of the next number to try, so a name given 20 000
times costs what 20 000 different names cost (a set lookup each), not a
search from ``-2`` upwards every time.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

__all__ = ["MAX_STEM", "MAX_STEM_BYTES", "SUMMARY_NAME", "FileNames", "file_names", "slugify"]

#: File name (without suffix) of the portfolio summary of a batch, .xlsx, .csv and .json.
SUMMARY_NAME = "portfolio-summary"

#: Characters of a file name stem.
MAX_STEM = 60

#: Bytes of a file name stem in UTF-8: a file name holds 255 bytes on every usual
#: file system, and the temporary file written first adds its own ``.NAME.PID.RANDOM.tmp``.
MAX_STEM_BYTES = 120

_LIGATURES = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th"}
)
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def _fits(stem: str, max_length: int) -> bool:
    nfc = unicodedata.normalize("NFC", stem)
    return len(nfc) <= max_length and len(nfc.encode("utf-8")) <= MAX_STEM_BYTES


def slugify(name: str, *, max_length: int = MAX_STEM) -> str:
    """A file name stem safe on Windows, macOS and Linux, from a scenario name.

    Accents are dropped, letters lower-cased, every run of other characters
    (spaces, punctuation, path separators) becomes one ``-``; letters of other
    scripts are kept. Windows' reserved names get a suffix; the stem is at most
    ``max_length`` characters and :data:`MAX_STEM_BYTES` bytes in UTF-8 (60
    Chinese letters of 4 bytes would make a name too long for the disk); an
    empty result is ``scenario``.

    >>> slugify("PME 20 postes"), slugify("Société Générale — Île-de-France")
    ('pme-20-postes', 'societe-generale-ile-de-france')
    >>> slugify("../../etc/passwd"), slugify("Straße & Œuvre"), slugify("CON"), slugify("?!")
    ('etc-passwd', 'strasse-oeuvre', 'con-scenario', 'scenario')
    >>> slugify("Продажи 2026"), len(slugify("\\U00020000" * 60))
    ('продажи-2026', 30)
    """
    folded = unicodedata.normalize("NFKD", name).lower().translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", folded)
    kept = [c if c.isalnum() else " " for c in text if not unicodedata.combining(c)]
    words = "".join(kept).split()
    stem = ""
    for word in words:
        candidate = f"{stem}-{word}" if stem else word
        if not _fits(candidate, max_length):
            while not stem and word and not _fits(word, max_length):
                word = word[:-1]
            stem = stem or word
            break
        stem = candidate
    stem = unicodedata.normalize("NFC", stem) or "scenario"
    return f"{stem}-scenario" if stem in _WINDOWS_RESERVED else stem


class FileNames:
    """Unique ``.xlsx`` file names, handed out one scenario name at a time.

    Names are compared after :func:`slugify` (so ``PME`` and ``pme`` get two
    names everywhere, case-sensitive system or not); ``reserved`` stems are
    never given.

    >>> names = FileNames(reserved=["pme-2"])
    >>> [names.add(n) for n in ["PME", "pme", None, "PME"]]
    ['pme.xlsx', 'pme-3.xlsx', None, 'pme-4.xlsx']
    """

    def __init__(self, reserved: Iterable[str] = (SUMMARY_NAME,)) -> None:
        self._used = set(reserved)
        self._next: dict[str, int] = {}  # stem -> the next number to try after it

    def add(self, name: str | None) -> str | None:
        """The file name of the next scenario named ``name`` (None: no readable name,
        no file)."""
        if name is None:
            return None
        stem = slugify(name)
        unique = stem
        if unique in self._used:
            k = self._next.get(stem, 2)
            while f"{stem}-{k}" in self._used:  # taken by another stem's own name
                k += 1
            unique = f"{stem}-{k}"
            self._next[stem] = k + 1
        self._used.add(unique)
        return f"{unique}.xlsx"


def file_names(
    names: Sequence[str | None], *, reserved: Sequence[str] = (SUMMARY_NAME,)
) -> list[str | None]:
    """Unique ``.xlsx`` file names for scenario names, given in input order
    (see :class:`FileNames`).

    >>> file_names(["PME", "pme", None, "Portfolio summary", "PME"])
    ['pme.xlsx', 'pme-2.xlsx', None, 'portfolio-summary-2.xlsx', 'pme-3.xlsx']
    """
    given = FileNames(reserved)
    return [given.add(name) for name in names]
