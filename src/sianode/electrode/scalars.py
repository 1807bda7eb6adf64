"""Cheap forms of ``np.asarray(x, dtype=float)`` and ``np.any`` for one design's numbers.

The shared rules (coatings, formation, the cell model) take NumPy arrays for vectorised sweeps, but a
sweep's batch evaluator calls them one design at a time with plain floats, where ``np.asarray`` and
``np.any`` cost microseconds each. :func:`farray` keeps a float a NumPy scalar (``np.float64``: the same
IEEE arithmetic as a 0-d array, so every number is the same) and :func:`anytrue` reads a NumPy bool
directly; arrays and everything else take the general path unchanged.
"""
from __future__ import annotations

import numpy as np

#: Scalar types taken as one design's number.
FLOATS = (float, np.float64)


def farray(x):
    """``np.asarray(x, dtype=float)``, except that a float (plain or NumPy) becomes an ``np.float64`` scalar."""
    if type(x) in FLOATS:
        return np.float64(x)
    return np.asarray(x, dtype=float)


def anytrue(cond) -> bool:
    """``bool(np.any(cond))``, reading a single NumPy or Python bool directly."""
    if type(cond) is np.bool_ or type(cond) is bool:
        return bool(cond)
    return bool(np.any(cond))
