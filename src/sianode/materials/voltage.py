"""Open-circuit (quasi-equilibrium) voltage of LixSi and graphite, with hysteresis.

What is modelled
----------------
**Amorphous Si, lithiation and delithiation branches.** Each branch is a sum of two sloping
"steps" (the two-step lithiation of a-Si, a-Si -> a-Li~2Si -> a-Li3.75Si, and its reverse) written
in the multi-species, multi-reaction (MSMR) form of Verbrugge et al., J. Electrochem. Soc. 164
(2017) E3243::

    x(U) = sum_j  dx_j / (1 + exp((U - U_j) / w_j))

``U_j`` is the potential of step j (the peak of dQ/dV), ``dx_j`` the Li it stores and ``w_j``
its width. x(U) is monotonic, so U(x) is obtained by inverting on a dense grid (vectorised
interpolation). The curve is normalised so that x = 0 at ``U_HIGH`` (1.2 V) and x = 3.75 (Li15Si4)
at the usual 5 mV cut-off ``U_LOW``; i.e. the branches describe slow (C/20-C/50-like) cycling in
the 0.005–1.2 V window, not a true equilibrium at x -> 3.75.

* Step potentials (dQ/dV peak positions of cycled a-Si): lithiation 0.25 V and 0.10 V,
  delithiation 0.29 V and 0.48 V -- Obrovac & Krause, J. Electrochem. Soc. 154 (2007) A103;
  Key, Bhattacharyya, Morcrette, Seznéc, Tarascon & Grey, J. Am. Chem. Soc. 131 (2009) 9239.
* Step capacities: the break-up of the Si network into small clusters up to x ≈ 2, then isolated
  Si up to Li15Si4 (x = 3.75) -- Key et al. 2009; the same two-step sequence is the basis of the
  voltage hysteresis model of Jiang, Offer, Jiang, Marinescu & Wang, J. Electrochem. Soc. 167
  (2020) 130533 (ref. 32 of seeds/004).
* Widths ``w_j`` = 0.04 V: chosen (not fitted to data points) so that the dQ/dV peaks have a full
  width at half maximum of 3.53 w = 0.14 V, the width of the published peaks.

The hysteresis (half the gap between the branches) follows; it is ~0.1 V at mid lithiation
(a gap of ~0.2–0.3 V, as measured by Sethuraman, Srinivasan & Newman, J. Electrochem. Soc. 160
(2013) A394).

**Crystalline Si, first lithiation.** Li first dissolves in c-Si (solid solution up to x = 0.065,
seeds/000 §2); then c-Si and a-LixSi coexist (two-phase reaction front) at a constant potential
``U_CSI_PLATEAU`` = 0.10 V (Obrovac & Christensen, ESSL 7 (2004) A93; Limthongkul, Jang, Dudney
& Chiang, Acta Mater. 51 (2003) 1103), about 0.15–0.2 V below the a-Si lithiation onset
(seeds/000 §2, Fig. 1d: "approximately 0.2 V lower"). The plateau ends where the a-Si lithiation
branch falls below it: ``U = min(U_plateau, U_aSi,lith(x))`` -- where the plateau ends (x ≈ 2.95
with these parameters; a-Li~3.5Si is reported behind the reaction front, e.g. McDowell et al., Nano
Lett. 12 (2012) 1624) is therefore an output, not an input.

**Li15Si4 crystallisation and its delithiation.** Below ~50 mV a-Li~3.75Si crystallises into
c-Li15Si4 (Obrovac & Krause 2007; Obrovac & Christensen 2004); keeping the cut-off at >= 70 mV
avoids it. c-Li15Si4 delithiates through a two-phase plateau at 0.43 V (Obrovac & Christensen
2004; 0.43-0.45 V quoted in the team brief) until the amorphous delithiation branch rises above it:
``U = max(U_Li15Si4, U_aSi,delith(x))``.

**Graphite.** Pure-graphite OCP of :mod:`sianode.graphite` (MSMR table of Verbrugge et al., J. Electrochem.
Soc. 164 (2017) E3243); capacity of LiC6 from Faraday's law.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from sianode.errors import InputError
from sianode.materials.lisi import (FARADAY_C_MOL, M_C_G_MOL, MAH_PER_C, X_MAX_PRACTICAL,
                                    capacity_mAh_g_from_x)
from sianode.provenance import Parameter

_SRC_PEAKS = ("Obrovac & Krause, J. Electrochem. Soc. 154 (2007) A103; Key et al., J. Am. Chem. Soc. "
              "131 (2009) 9239 (dQ/dV peak positions of cycled a-Si)")
_SRC_STEPS = ("Key et al., JACS 131 (2009) 9239 (clusters up to x~2, isolated Si to Li15Si4); two-step "
              "sequence of Jiang et al., J. Electrochem. Soc. 167 (2020) 130533")

#: MSMR steps of the a-Si branches: (U_j [V], dx_j, w_j [V]).
ASI_PARAMETERS: dict[str, Parameter] = {
    "lith_U1": Parameter(0.25, "V", _SRC_PEAKS, "first lithiation step (a-Si -> a-Li~2Si)"),
    "lith_U2": Parameter(0.10, "V", _SRC_PEAKS, "second lithiation step (-> a-Li3.75Si)"),
    "delith_U1": Parameter(0.29, "V", _SRC_PEAKS, "first delithiation step (from a-Li3.75Si)"),
    "delith_U2": Parameter(0.48, "V", _SRC_PEAKS, "second delithiation step (-> a-Si)"),
    "dx_1": Parameter(2.0, "Li/Si", _SRC_STEPS, "Li stored in the high-potential step"),
    "dx_2": Parameter(1.75, "Li/Si", _SRC_STEPS, "Li stored in the low-potential step (to x = 3.75)"),
    "width": Parameter(0.04, "V", "chosen: dQ/dV FWHM 3.53*w = 0.14 V as in Obrovac & Krause 2007",
                       "assumed, not fitted"),
}

U_CSI_PLATEAU = Parameter(0.10, "V", "Obrovac & Christensen, ESSL 7 (2004) A93; Limthongkul et al., Acta Mater. "
                          "51 (2003) 1103; seeds/000 §2 (c-Si ~0.2 V below a-Si)", "two-phase c-Si/a-LixSi")
X_CSI_SOLID_SOLUTION = Parameter(0.065, "Li/Si", "seeds/000 §2 (Si-Si bonds start breaking at x = 0.065)")
U_LI15SI4_PLATEAU = Parameter(0.43, "V", "Obrovac & Christensen, ESSL 7 (2004) A93; seeds/000 §2 (0.43-0.45 V)",
                              "two-phase c-Li15Si4 -> a-LixSi")
U_CRYSTALLISATION = Parameter(0.05, "V", "Obrovac & Krause, J. Electrochem. Soc. 154 (2007) A103: c-Li15Si4 forms "
                              "below ~50 mV, not with cut-offs >= 70 mV")
U_NO_CRYSTALLISATION = Parameter(0.07, "V", "Obrovac & Krause, J. Electrochem. Soc. 154 (2007) A103")
U_LOW = 0.005  # V, usual half-cell cut-off; x = 3.75 there (window normalisation, see module doc)
U_HIGH = 1.2  # V, x = 0 there

from sianode.graphite import THEORETICAL_CAPACITY_MAH_G as GRAPHITE_CAPACITY_MAH_G  # noqa: E402  LiC6: 371.9 mAh/g


# --------------------------------------------------------------------------- MSMR inversion
def _msmr_x(u, steps):
    x = np.zeros_like(u)
    for u0, dx, w in steps:
        x += dx / (1.0 + np.exp(np.clip((u - u0) / w, -200, 200)))
    return x


def _branch_table(kind: str):
    p = {k: v.value for k, v in ASI_PARAMETERS.items()}
    w = p["width"]
    if kind == "lith":
        steps = [(p["lith_U1"], p["dx_1"], w), (p["lith_U2"], p["dx_2"], w)]
    else:
        steps = [(p["delith_U2"], p["dx_1"], w), (p["delith_U1"], p["dx_2"], w)]
    u = np.linspace(U_LOW, U_HIGH, 4001)
    x = _msmr_x(u, steps)
    lo, hi = _msmr_x(np.array([U_HIGH]), steps)[0], _msmr_x(np.array([U_LOW]), steps)[0]
    xs = (x - lo) / (hi - lo) * X_MAX_PRACTICAL  # window normalisation
    order = np.argsort(xs)
    return xs[order], u[order]


_LITH = _branch_table("lith")
_DELITH = _branch_table("delith")


def _as_x(x, name="x"):
    arr = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > X_MAX_PRACTICAL + 1e-9):
        raise InputError(f"{name} (Li per Si) must be finite and in [0, {X_MAX_PRACTICAL}] for the voltage "
                         f"curves, got {x!r}", field=name)
    return arr


def _ret(a):
    return float(a) if np.ndim(a) == 0 else a


# --------------------------------------------------------------------------- public branches
def ocv_lithiation_V(x):
    """Quasi-equilibrium lithiation voltage of a-LixSi vs Li/Li+ (V), x in [0, 3.75]."""
    xs, us = _LITH
    return _ret(np.interp(_as_x(x), xs, us))


def ocv_delithiation_V(x):
    """Quasi-equilibrium delithiation voltage of a-LixSi vs Li/Li+ (V), x in [0, 3.75]."""
    xs, us = _DELITH
    return _ret(np.interp(_as_x(x), xs, us))


def ocv_mean_V(x):
    """Mean of the two a-Si branches (use where hysteresis is not modelled)."""
    return _ret((np.asarray(ocv_lithiation_V(x)) + np.asarray(ocv_delithiation_V(x))) / 2.0)


def hysteresis_V(x):
    """Half the gap between the delithiation and lithiation branches (V)."""
    return _ret((np.asarray(ocv_delithiation_V(x)) - np.asarray(ocv_lithiation_V(x))) / 2.0)


def ocv_first_lithiation_crystalline_V(x):
    """First lithiation of crystalline Si (V): solid solution, then the two-phase plateau.

    ``x < 0.065``: linear from the a-Si onset to the plateau (solid solution, seeds/000 §2);
    then ``min(U_CSI_PLATEAU, U_aSi,lith(x))``.
    """
    arr = _as_x(x)
    ua = np.asarray(ocv_lithiation_V(arr))
    u0 = float(ocv_lithiation_V(0.0))
    xs = X_CSI_SOLID_SOLUTION.value
    up = U_CSI_PLATEAU.value
    ss = u0 + (up - u0) * np.clip(arr / xs, 0.0, 1.0)
    return _ret(np.where(arr < xs, ss, np.minimum(up, ua)))


def ocv_delithiation_crystallized_V(x):
    """Delithiation of crystallised c-Li15Si4 (V): two-phase plateau at 0.43 V, then a-Si branch."""
    return _ret(np.maximum(U_LI15SI4_PLATEAU.value, np.asarray(ocv_delithiation_V(x))))


def li15si4_fraction(v_min_V):
    """Fraction of the fully lithiated Si that crystallises to c-Li15Si4 for a lower cut-off v_min_V.

    1 below 50 mV, 0 at or above 70 mV (Obrovac & Krause 2007), linear in between (simplification:
    the published observation is a threshold; the interpolation between the two bounds is assumed).
    """
    v = np.asarray(v_min_V, dtype=float)
    if not np.all(np.isfinite(v)):
        raise InputError("v_min_V must be a finite voltage", field="v_min_V")
    lo, hi = U_CRYSTALLISATION.value, U_NO_CRYSTALLISATION.value
    return _ret(np.clip((hi - v) / (hi - lo), 0.0, 1.0))


def x_at_voltage(u_V, branch: str = "lithiation"):
    """Inverse of a branch: x reached at voltage u_V (lithiation or delithiation a-Si branch)."""
    u = np.asarray(u_V, dtype=float)
    if not np.all(np.isfinite(u)):
        raise InputError("voltage must be finite", field="u_V")
    if branch == "lithiation":
        xs, us = _LITH
    elif branch == "delithiation":
        xs, us = _DELITH
    else:
        raise InputError(f"branch must be 'lithiation' or 'delithiation', got {branch!r}", field="branch")
    # us decreases with xs: interpolate on reversed arrays
    return _ret(np.interp(u, us[::-1], xs[::-1]))


@lru_cache(maxsize=256)
def average_voltage_V(branch: str = "delithiation", x_max: float = X_MAX_PRACTICAL, n: int = 801) -> float:
    """Capacity-weighted average voltage of a branch between x = 0 and x_max (trapezoid rule; pure in its
    arguments, memoised: every design of a sweep with the same cut-off asks for the same average)."""
    funcs = {"lithiation": ocv_lithiation_V, "delithiation": ocv_delithiation_V,
             "first_lithiation_crystalline": ocv_first_lithiation_crystalline_V,
             "delithiation_crystallized": ocv_delithiation_crystallized_V}
    if branch not in funcs:
        raise InputError(f"branch must be one of {list(funcs)}, got {branch!r}", field="branch")
    if not (0 < x_max <= X_MAX_PRACTICAL):
        raise InputError(f"x_max must be in (0, {X_MAX_PRACTICAL}], got {x_max!r}", field="x_max")
    x = np.linspace(0.0, x_max, n)
    return float(np.trapezoid(funcs[branch](x), x) / x_max)


def voltage_curves(n: int = 151):
    """Tidy table of the four branches: x, capacity_mAh_g (Si basis), branch, voltage_V."""
    import pandas as pd

    x = np.linspace(0.0, X_MAX_PRACTICAL, n)
    q = capacity_mAh_g_from_x(x)
    frames = []
    for name, f in (("lithiation", ocv_lithiation_V), ("delithiation", ocv_delithiation_V),
                    ("first_lithiation_crystalline", ocv_first_lithiation_crystalline_V),
                    ("delithiation_crystallized", ocv_delithiation_crystallized_V)):
        frames.append(pd.DataFrame({"x": x, "capacity_mAh_g": q, "branch": name, "voltage_V": f(x)}))
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- graphite
# One graphite definition (foundation layer): the OCP fit and its source live in sianode.graphite.
from sianode.graphite import GRAPHITE_OCV_SOURCE, graphite_ocv_V  # noqa: E402,F401


# --------------------------------------------------------------------------- path-dependent model
class HysteresisPath:
    """Path-dependent a-Si voltage: branch following with relaxation after a current reversal.

    After a reversal at (x_r, U_r) the voltage moves from U_r towards the new branch as
    ``U = U_branch(x) + (U_r - U_branch(x_r)) * exp(-|x - x_r| / dx_transition)``.
    This is the one-state hysteresis form of Plett, J. Power Sources 134 (2004) 262 written in x;
    partial (minor) loops of a-Si that return to the major branches after Δx of a few tenths are
    reported by Sethuraman et al., J. Electrochem. Soc. 160 (2013) A394. ``dx_transition`` = 0.3
    Li/Si is an assumed value (order of magnitude read from those minor loops), not a fit.

    Simplified with respect to Jiang et al. 2020 (ref. 32 of seeds/004): no explicit phase
    fractions of the intermediate a-LixSi phases; crystallisation is handled by the separate
    crystallised branch functions.
    """

    def __init__(self, x0: float = 0.0, direction: str = "lithiation", dx_transition: float = 0.3):
        if dx_transition <= 0:
            raise InputError("dx_transition must be > 0", field="dx_transition")
        if direction not in ("lithiation", "delithiation"):
            raise InputError("direction must be 'lithiation' or 'delithiation'", field="direction")
        self.x = float(_as_x(x0))
        self.direction = direction
        self.dx_transition = dx_transition
        self._x_r = self.x
        self._offset = 0.0
        self.voltage = self._branch(self.x)

    def _branch(self, x):
        f = ocv_lithiation_V if self.direction == "lithiation" else ocv_delithiation_V
        return float(f(x))

    def step(self, x_new: float) -> float:
        """Move to x_new (direction inferred; a sign change is a reversal) and return the voltage."""
        x_new = float(_as_x(x_new))
        if x_new != self.x:
            d = "lithiation" if x_new > self.x else "delithiation"
            if d != self.direction:
                self.direction = d
                self._x_r = self.x
                self._offset = self.voltage - self._branch(self.x)
            self.x = x_new
        self.voltage = self._branch(self.x) + self._offset * np.exp(-abs(self.x - self._x_r) / self.dx_transition)
        return self.voltage
