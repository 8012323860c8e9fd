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

The generators come from the seed (numpy's PCG64): each line's is the best of
:data:`TRIES` candidates prime to :math:`R`, "best" meaning that with every line
before it, the pair's two-dimensional lattice has the smallest largest partial
quotient of the continued fraction of :math:`z_j z_l^{-1} \bmod R` over
:math:`R` (Zaremba's criterion: small partial quotients, points spread evenly
over the square, no two lines drawn in step).

A line's multiplier is the inverse of its distribution function at :math:`u`
(mode 1, on ``[low, high]``, width :math:`w = high - low`):

* ``pert``: :math:`low + w\,I^{-1}_u(\alpha, \beta)`,
  :math:`\alpha = 1 + 4 (1 - low)/w`, :math:`\beta = 1 + 4 (high - 1)/w`
  (the regularised incomplete beta's inverse: scipy's ``betaincinv``, the
  spreadsheets' ``BETAINV``);
* ``triangular``: :math:`low + \sqrt{u\,w\,(1 - low)}` while
  :math:`u < (1 - low)/w`, else :math:`high - \sqrt{(1 - u)\,w\,(high - 1)}`;
* ``uniform``: :math:`low + w\,u`.

>>> lat = Lattice.of(runs=8, lines=2, seed=0)
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
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..finance.rows import Array

__all__ = ["PERT_LAMBDA", "SHIFT_BITS", "TRIES", "Lattice", "inverse", "largest_quotient"]

#: PERT's weight of the mode (the classic 4: the mean is (low + 4 x mode + high) / 6).
PERT_LAMBDA = 4.0
#: Binary digits of a line's shift: small enough that ``n + s`` is exact for n < 2^33.
SHIFT_BITS = 20
#: Candidate generators tried for each line.
TRIES = 24


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


def _generators(runs: int, lines: int, rng: np.random.Generator) -> list[int]:
    if runs < 2:
        return [1] * lines
    out: list[int] = []
    inverses: list[int] = []
    for _ in range(lines):
        drawn = (int(z) for z in rng.integers(1, runs, size=4 * TRIES))
        candidates = [z for z in drawn if math.gcd(z, runs) == 1][:TRIES] or [1]
        best, best_score = candidates[0], math.inf
        for z in candidates:
            score: float = max(
                (largest_quotient(z * inv % runs, runs) for inv in inverses if z * inv % runs),
                default=0,
            )
            if any(z * inv % runs == 1 for inv in inverses):  # the same generator again
                score = math.inf
            if score < best_score:
                best, best_score = z, score
        out.append(best)
        inverses.append(pow(best, -1, runs))
    return out


@dataclass(frozen=True)
class Lattice:
    """The draws' rule for ``runs`` runs: each uncertain line's generator, offset, shift."""

    runs: int
    generators: tuple[int, ...]
    offsets: tuple[int, ...]
    shifts: tuple[float, ...]

    @classmethod
    def of(cls, runs: int, lines: int, seed: int) -> Lattice:
        """The lattice of ``lines`` uncertain lines over ``runs`` runs, from ``seed``."""
        rng = np.random.Generator(np.random.PCG64(seed))
        generators = _generators(runs, lines, rng)
        offsets = rng.integers(0, runs, size=lines) if lines else np.zeros(0, dtype=np.int64)
        scale = 2**SHIFT_BITS
        shifts = rng.integers(1, scale, size=lines) / scale if lines else np.zeros(0)
        return cls(
            runs,
            tuple(generators),
            tuple(int(k) for k in offsets),
            tuple(float(s) for s in shifts),
        )

    def uniforms(self, run_numbers: NDArray[np.int64]) -> Array:
        """``len(run_numbers) x lines`` uniforms of the runs numbered (from 1) ``run_numbers``."""
        i = np.asarray(run_numbers, dtype=np.int64)[:, None]
        z = np.array(self.generators, dtype=np.int64)[None, :]
        k = np.array(self.offsets, dtype=np.int64)[None, :]
        whole = np.mod(i * z + k, self.runs).astype(np.float64)
        out: Array = (whole + np.array(self.shifts)[None, :]) / float(self.runs)
        return out


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
        below = u < (1 - low) / width
        left = low + np.sqrt(u * width * (1 - low))
        right = high - np.sqrt((1 - u) * width * (high - 1))
        triangular: Array = np.where(below, left, right)
        return triangular
    if distribution == "pert":
        from scipy.special import betaincinv  # lazily: import crmroi_xl stays light

        alpha = 1 + PERT_LAMBDA * (1 - low) / width
        beta = 1 + PERT_LAMBDA * (high - 1) / width
        drawn: Array = low + width * betaincinv(alpha, beta, u)
        return drawn
    raise InputError(f"distribution: pert, triangular or uniform, got {distribution!r}")
