r"""The Monte Carlo's draws: a shifted rank-1 lattice a spreadsheet computes, and each
distribution's inverse.

Run :math:`i` (1 to :math:`R`, the runs) gives uncertain line :math:`j` the uniform

.. math::

    u_{i,j} = \frac{(i\,z_j + k_j) \bmod R + s_j}{R}

with a generator :math:`z_j` prime to :math:`R`, an offset :math:`k_j` (a whole
number below :math:`R`) and a shift :math:`s_j \in (0, 1)` holding 20 binary
digits. Over the :math:`R` runs, :math:`(i z_j + k_j) \bmod R` takes every value
0 to :math:`R - 1` once: each line has exactly one draw in each stratum
:math:`[n/R, (n+1)/R)`, as in a Latin hypercube, and the lines are tied to one
another by a lattice, not by a stored matrix. Every step is exact in binary
floating point (whole numbers below :math:`2^{53}`, a shift of 20 binary
digits, one division), so numpy, Excel, LibreOffice and Gnumeric compute the
same :math:`u`, bit for bit, from the three numbers a line's column of the
workbook holds (``MOD(i*z+k, R)``).

The generators follow Korobov's rule, :math:`z_n = a^{n+1} \bmod R` for the line
numbered :math:`n` in the scenario (costs then benefits, from 0), with the
multiplier :math:`a` the best of :data:`TRIES` candidates prime to :math:`R`
drawn from the seed (numpy's PCG64): "best" meaning that the two-dimensional
lattice of any two lines up to :data:`PAIRS` apart, whose multiplier is
:math:`a^d \bmod R`, has the smallest largest partial quotient of its continued
fraction over :math:`R` (Zaremba's criterion: points spread evenly over the
square, no two lines drawn in step). Offsets and shifts come from the seed and
the line's number: a line keeps its draws when another line gains or loses a
range (as in the workbook, where each line's column holds its own three numbers).

A line's multiplier is the inverse of its distribution function at :math:`u`
(mode 1, on ``[low, high]``, width :math:`w = high - low`):

* ``pert``: :math:`low + w\,I^{-1}_u(\alpha, \beta)`,
  :math:`\alpha = 1 + 4 (1 - low)/w`, :math:`\beta = 1 + 4 (high - 1)/w`
  (the regularised incomplete beta's inverse: scipy's ``betaincinv``, the
  spreadsheets' ``BETAINV``);
* ``triangular``: with the mode's place :math:`c = (1 - low)/w`,
  :math:`low + w\sqrt{u\,c}` while :math:`u < c`, else
  :math:`low + w\,(1 - \sqrt{(1 - u)(1 - c)})`;
* ``uniform``: :math:`low + w\,u`.

>>> lat = Lattice.of(runs=8, lines=[0, 3], seed=0)
>>> u = lat.uniforms(np.arange(1, 9))
>>> sorted((u[:, 0] * 8).astype(int).tolist())  # one draw in each eighth
[0, 1, 2, 3, 4, 5, 6, 7]
>>> inverse("uniform", np.array([0.25]), np.array([0.5]), np.array([1.5])).tolist()
[0.75]
>>> inverse("triangular", np.array([0.5]), np.array([0.5]), np.array([1.5])).tolist()
[1.0]
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..finance.rows import Array

__all__ = [
    "DISK_CELLS",
    "PAIRS",
    "PERT_LAMBDA",
    "SHIFT_BITS",
    "TABLE_BYTES",
    "TRIES",
    "Lattice",
    "clear_tables",
    "inverse",
    "inverse_table",
    "largest_quotient",
]

#: PERT's weight of the mode (the classic 4: the mean is (low + 4 x mode + high) / 6).
PERT_LAMBDA = 4.0
#: Binary digits of a line's shift: small enough that ``n + s`` is exact for n < 2^33.
SHIFT_BITS = 20
#: Candidate multipliers tried, and the line distances whose pairs they are judged on.
TRIES = 64
PAIRS = 24
#: Bytes of inverse tables kept in memory (:func:`inverse_table`), least recently used
#: dropped first: some 400 lines of 10 000 runs.
TABLE_BYTES = 32 * 2**20


def largest_quotient(a: int, r: int) -> int:
    """The largest partial quotient of the continued fraction of ``a / r`` (0 < a < r).

    >>> largest_quotient(377, 610)  # Fibonacci numbers: quotients 1, 1, ..., 1, 2
    2
    >>> largest_quotient(2, 1000)
    500
    """
    largest, p, q = 0, r, a
    while q:
        largest, (p, q) = max(largest, p // q), (q, p % q)
    return largest


@lru_cache(maxsize=64)
def _korobov(runs: int, seed: int) -> int:
    """The lattice's multiplier: of :data:`TRIES` candidates prime to ``runs``, the one
    whose powers 1 to :data:`PAIRS` are all different from 1 (the generators of that
    many lines in a row differ; with a few runs, such as 100, whose units all have a
    small order, the one of the largest order) and have the smallest largest partial
    quotient."""
    if runs < 3:
        return 1
    rng = np.random.Generator(np.random.PCG64(seed))
    drawn = (int(a) for a in rng.integers(2, runs, size=8 * TRIES))
    candidates = [a for a in drawn if math.gcd(a, runs) == 1][:TRIES] or [1]
    best, best_score = candidates[0], (math.inf, math.inf)
    for a in candidates:
        powers = [pow(a, d, runs) for d in range(1, PAIRS + 1)]
        order = powers.index(1) + 1 if 1 in powers else PAIRS + 1  # up to PAIRS + 1
        quotient = max(largest_quotient(p, runs) for p in powers[: order - 1] or [a])
        score = (-order, quotient)  # generators repeat after `order` lines: fewest repeats
        if score < best_score:
            best, best_score = a, score
    return best


@dataclass(frozen=True)
class Lattice:
    """The draws' rule for ``runs`` runs: for each uncertain line (by its number in the
    scenario, costs then benefits, from 0), its generator, offset and shift."""

    runs: int
    generators: tuple[int, ...]
    offsets: tuple[int, ...]
    shifts: tuple[float, ...]

    @classmethod
    def of(cls, runs: int, lines: Sequence[int], seed: int) -> Lattice:
        """The lattice of the lines numbered ``lines`` over ``runs`` runs, from ``seed``.

        A line's generator is :math:`a^{n+1} \bmod R` (Korobov's rule, :math:`n` its
        number, :math:`a` from the seed), its offset and shift come from the seed and
        its number alone: a line's draws stay the same when another line gains or
        loses a range. Each line's numbers are derived once per process.
        """
        columns = [_line(runs, int(n), seed) for n in lines]
        return cls(
            runs,
            tuple(c[0] for c in columns),
            tuple(c[1] for c in columns),
            tuple(c[2] for c in columns),
        )

    def multipliers(
        self, distribution: str, low: Array, high: Array, run_numbers: NDArray[np.int64]
    ) -> Array:
        """``len(run_numbers) x lines`` multipliers: each line's :func:`inverse_table`
        (``low``, ``high``: one per line, low < high) read at the runs' strata -- the
        same numbers as :func:`inverse` at :meth:`uniforms`, bit for bit.

        >>> lat = Lattice.of(runs=8, lines=[0, 3], seed=0)
        >>> low, high, runs = np.array([0.5, 0.9]), np.array([1.5, 1.4]), np.arange(1, 9)
        >>> drawn = lat.multipliers("pert", low, high, runs)
        >>> bool((drawn == inverse("pert", lat.uniforms(runs), low, high)).all())
        True
        """
        i = np.asarray(run_numbers, dtype=np.int64)[:, None]
        z = np.array(self.generators, dtype=np.int64)[None, :]
        k = np.array(self.offsets, dtype=np.int64)[None, :]
        strata = np.mod(i * z + k, self.runs)
        shapes = [
            (distribution, float(low[j]), float(high[j]), shift, self.runs)
            for j, shift in enumerate(self.shifts)
        ]
        _from_disk(shapes)
        out = np.empty(strata.shape)
        for j, shape in enumerate(shapes):
            out[:, j] = inverse_table(*shape)[strata[:, j]]
        return out

    def uniforms(self, run_numbers: NDArray[np.int64]) -> Array:
        """``len(run_numbers) x lines`` uniforms of the runs numbered (from 1) ``run_numbers``."""
        i = np.asarray(run_numbers, dtype=np.int64)[:, None]
        z = np.array(self.generators, dtype=np.int64)[None, :]
        k = np.array(self.offsets, dtype=np.int64)[None, :]
        whole = np.mod(i * z + k, self.runs).astype(np.float64)
        out: Array = (whole + np.array(self.shifts)[None, :]) / float(self.runs)
        return out


@lru_cache(maxsize=4096)
def _line(runs: int, n: int, seed: int) -> tuple[int, int, float]:
    """Line ``n``'s generator, offset and shift (:meth:`Lattice.of`)."""
    a = _korobov(runs, seed)
    scale = 2**SHIFT_BITS
    rng = np.random.Generator(np.random.PCG64([seed, n]))
    generator = pow(a, n + 1, runs) if runs > 1 else 1
    offset = int(rng.integers(0, runs))
    return generator, offset, int(rng.integers(1, scale)) / scale


_TABLES: OrderedDict[tuple[str, float, float, float, int], Array] = OrderedDict()
_TABLES_LOCK = threading.Lock()


def inverse_table(distribution: str, low: float, high: float, shift: float, runs: int) -> Array:
    r"""A line's multipliers in each of the ``runs`` strata: :func:`inverse` at
    :math:`(n + s) / R`, :math:`n = 0 \ldots R - 1` (read-only).

    A line's draws over the runs are these numbers in the lattice's order, so one
    table per distinct shape (distribution, range, shift, runs) serves every
    scenario that has it -- a batch of similar scenarios computes the inverse once.
    The tables are kept up to :data:`TABLE_BYTES`.

    >>> inverse_table("uniform", 0.5, 1.5, 0.5, 4).tolist()
    [0.625, 0.875, 1.125, 1.375]
    """
    key = (distribution, low, high, shift, runs)
    with _TABLES_LOCK:
        found = _TABLES.get(key)
        if found is not None:
            _TABLES.move_to_end(key)
            return found
    u = (np.arange(runs, dtype=np.float64) + shift) / float(runs)
    table = inverse(distribution, u, np.array(low), np.array(high))
    table.flags.writeable = False
    with _TABLES_LOCK:
        _TABLES[key] = table
        held = sum(t.nbytes for t in _TABLES.values())
        while held > TABLE_BYTES and len(_TABLES) > 1:
            held -= _TABLES.popitem(last=False)[1].nbytes
    return table


#: Tables kept on disk as one entry per set of shapes, up to this many numbers.
DISK_CELLS = 250_000


def _from_disk(shapes: list[tuple[str, float, float, float, int]]) -> None:
    """Put the tables of ``shapes`` in memory from the disk cache
    (:mod:`crmroi_xl.engine.diskcache`: a process reads back what another computed, without
    importing scipy); when the cache lacks them, compute them and store them there."""
    with _TABLES_LOCK:
        missing = [shape for shape in shapes if shape not in _TABLES]
    if not missing or len(missing) * missing[0][-1] > DISK_CELLS:
        return
    from . import diskcache

    key = ("inverse-tables", tuple(missing))
    found = diskcache.load(key)
    if isinstance(found, tuple) and len(found) == len(missing):
        with _TABLES_LOCK:
            for shape, table in zip(missing, found, strict=True):
                if isinstance(table, np.ndarray) and table.shape == (shape[-1],):
                    table.flags.writeable = False
                    _TABLES[shape] = table
        return
    diskcache.store(key, tuple(np.array(inverse_table(*shape)) for shape in missing))


def clear_tables() -> None:
    """Forget the inverse tables and the lattices' numbers (tests, benchmarks)."""
    with _TABLES_LOCK:
        _TABLES.clear()
    _line.cache_clear()
    _korobov.cache_clear()


def inverse(distribution: str, u: Array, low: Array, high: Array) -> Array:
    """Each multiplier at its uniform ``u`` (broadcast with ``low`` and ``high``, low < high).

    >>> round(float(inverse("pert", np.array([0.5]), np.array([0.8]), np.array([1.2]))[0]), 12)
    1.0
    """
    width = high - low
    if distribution == "uniform":
        uniform: Array = low + width * u
        return uniform
    if distribution == "triangular":
        mode = (1 - low) / width  # the mode's place in [0, 1]
        below = np.sqrt(u * mode)
        above = 1 - np.sqrt((1 - u) * (1 - mode))
        triangular: Array = low + width * np.where(u < mode, below, above)
        return triangular
    if distribution == "pert":
        from scipy.special import betaincinv  # lazily: import crmroi_xl stays light

        alpha = 1 + PERT_LAMBDA * (1 - low) / width
        beta = 1 + PERT_LAMBDA * (high - 1) / width
        drawn: Array = low + width * betaincinv(alpha, beta, u)
        return drawn
    raise InputError(f"distribution: pert, triangular or uniform, got {distribution!r}")
