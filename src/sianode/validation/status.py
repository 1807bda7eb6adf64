"""Status of a model value against its reference: deviation, pass / known-gap / fail, regression.

Rules (docs/validation.md):

* ``pass``      the model is inside the tolerance band;
* ``known-gap`` outside, and known_gaps.toml gives a written reason;
* ``fail``      outside without a reason, or the model raised;
* ``not-run``   the case could not run here (a missing tool or file), with the reason.

Deviation: ``deviation_pct = 100 (model / reference - 1)`` for relative and at-least tolerances,
``deviation_abs = model - reference`` (in the quantity's unit; percentage points for %) for absolute
ones. A recorded ``pass`` must stay a pass; a recorded ``known-gap`` may not move further from its
reference by more than its tolerance (:func:`regressed`).
"""
from __future__ import annotations

import math

from sianode.validation.references import Tolerance

PASS, KNOWN_GAP, FAIL, NOT_RUN = "pass", "known-gap", "fail", "not-run"
STATUSES = (PASS, KNOWN_GAP, FAIL, NOT_RUN)
_EPS = 1e-9  # numerical slack for comparisons of recorded and recomputed values


def deviation_field(tol: Tolerance) -> str:
    """Name of the deviation a tolerance is judged on: ``deviation_pct`` or ``deviation_abs``."""
    return "deviation_abs" if tol.type == "absolute" else "deviation_pct"


def deviation(model: float, reference: float, tol: Tolerance) -> float:
    """Signed deviation in the tolerance's terms (% of the reference, or the quantity's unit)."""
    if tol.type == "absolute":
        return model - reference
    if reference == 0:
        return math.inf if model != 0 else 0.0
    return 100.0 * (model / reference - 1.0)


def within(model: float, reference: float, tol: Tolerance) -> bool:
    """True if ``model`` is inside the band ``tol`` around ``reference``."""
    if not (math.isfinite(model) and math.isfinite(reference)):
        return False
    d = deviation(model, reference, tol)
    if tol.type == "at_least":
        return d >= -tol.value - _EPS
    return abs(d) <= tol.value + _EPS


def status(model: float | None, reference: float | None, tol: Tolerance, reason: str | None) -> str:
    """``pass`` / ``known-gap`` / ``fail`` (``not-run`` when there is no model value)."""
    if model is None or reference is None:
        return NOT_RUN
    if within(model, reference, tol):
        return PASS
    return KNOWN_GAP if reason else FAIL


def regressed(recorded_status: str, recorded_deviation: float | None, now_status: str,
              now_deviation: float | None, tol: Tolerance) -> str | None:
    """Why a quantity regressed against its recorded status, or None if it did not.

    A recorded pass must still pass; a recorded known gap may not get worse by more than its
    tolerance (further from the reference for two-sided bands, lower for at-least bands).
    Rows that cannot run now are not judged.
    """
    if now_status == NOT_RUN or recorded_status == NOT_RUN:
        return None
    if now_status == FAIL and recorded_status != FAIL:
        return f"now fails (recorded {recorded_status})"
    if recorded_status == PASS and now_status != PASS:
        return f"recorded pass, now {now_status}"
    if recorded_status == KNOWN_GAP and now_status == KNOWN_GAP:
        if recorded_deviation is None or now_deviation is None:
            return None
        if tol.type == "at_least":
            worse = now_deviation < recorded_deviation - tol.value - _EPS
        else:
            worse = abs(now_deviation) > abs(recorded_deviation) + tol.value + _EPS
        if worse:
            return (f"known gap got worse by more than its tolerance: deviation {recorded_deviation:.4g} "
                    f"-> {now_deviation:.4g} (tolerance {tol.value:g})")
    return None
