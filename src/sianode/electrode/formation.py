"""Formation of a full cell: where the lithium goes on the first cycle, and the automatic prelithiation dose.

One lithium bookkeeping for every stage (the cell stage's capacity and stack, the life stage's
starting inventory, the E/C of the design). Charges per unit area (mAh/cm2) or per gram of anode
(mAh/g): any consistent unit, arrays broadcast.

What is modelled
----------------
The cathode gives ``Qc_ch = Qc_rev / ICE_c`` on its first charge and can take back at most ``Qc_rev``
(layered oxides cannot be fully relithiated on the first discharge: the cathode's own first-cycle
loss, :mod:`sianode.cathodes`). A prelithiation dose ``D`` adds lithium to the anode side. The anode
loses the fraction ``1 - ICE_a`` of the lithium that enters it on the first charge ("charge-passed"
convention: ``ICE_a`` is the materials stage's half-cell ICE) and can take at most ``Qa_first =
Qa_rev / ICE_a`` (its first-lithiation capacity to the lower cut-off)::

    Li_in     = Qc_ch + D
    taken     = min(Li_in, Qa_first)                       what the anode takes on the first charge
    plated    = Li_in - taken                              Li the anode cannot hold: Li metal
    lost      = taken (1 - ICE_a)                          bound irreversibly (SEI, SiOx conversion, ...)
    stored    = taken ICE_a  (<= Qa_rev)                   Li in the anode after formation
    Q_cell    = min(stored, Qc_rev)                        delivered capacity
    reservoir = stored - Q_cell                            Li left in the anode at the end of discharge

Lithium is conserved: ``Q_cell + reservoir + lost + plated = Qc_ch + D``.

Why charge-passed and not a fixed loss ``Qa_first - Qa_rev``: the seeds/002 NCM811 pouch (N/P 1.14,
anode half-cell ICE 76.3 %, 1909 mAh/g, cathode 18.75 mg/cm2) delivered 3.49 mAh/cm2; with that anode
the charge-passed bookkeeping gives 3.22 mAh/cm2 and a fixed loss 2.89 (tests/cell/test_seed_models.py):
a full cell lithiates its anode less deeply than a half cell at 10 mV, and part of the loss scales with
the depth of lithiation.

Plated lithium (an overdose, or N/P too small for the dose) is Li metal on the anode. *Assumption*:
it is electrochemically dead (isolated Li on a Si anode in liquid electrolyte) -- it delivers no
capacity and does not pin the anode potential, but it keeps its mass (0.259 mg/mAh) and its volume
(Li metal 0.534 g/cm3: 4.85 µm per mAh/cm2) in the cell; the design is flagged for Li plating.

The automatic dose ("auto") makes the anode's first-cycle loss no larger than the cathode's own, i.e.
the smallest dose with which the cell delivers its full cathode capacity::

    D_auto = max(0, Qc_rev / ICE_a - Qc_ch)

zero when ``ICE_a >= ICE_c`` (seeds/003 §4.2: the low ICE of Si "directly determines the energy
density"; seeds/000 §4.2.3 and 001 §3.4: prelithiation compensates it). docs/life.md and docs/cell.md
cite this function; the life and cell stages both call it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sianode.constants import LI_METAL_DENSITY_G_CM3, MG_LI_PER_MAH
from sianode.electrode.scalars import anytrue, farray
from sianode.errors import InputError

#: Li metal thickness per areal capacity: 1 mAh/cm2 = 0.259 mg/cm2 = 4.85 µm of Li.
LI_METAL_UM_PER_MAH_CM2 = MG_LI_PER_MAH * 1e-3 / LI_METAL_DENSITY_G_CM3 * 1e4


@dataclass(frozen=True)
class Formation:
    """First-cycle lithium bookkeeping (arrays or floats, same unit as the inputs)."""

    li_in: object
    lost: object
    plated: object
    stored: object
    q_cell: object
    reservoir: object
    cathode_reversible: object

    @property
    def cathode_utilisation(self):
        return self.q_cell / self.cathode_reversible


def auto_dose(cathode_reversible, cathode_ice, anode_ice):
    """Automatic prelithiation dose ``max(0, Qc_rev / ICE_a - Qc_ch)`` (module docstring)."""
    qrev = farray(cathode_reversible)
    ice_c = _check_ice(cathode_ice, "cathode ICE", "cell.cathode")
    ice_a = _check_ice(anode_ice, "anode ICE", "anode.ice")
    return np.maximum(0.0, qrev / ice_a - qrev / ice_c)


def formation(cathode_reversible, cathode_ice, anode_reversible, anode_ice, dose=0.0) -> Formation:
    """Lithium after the first cycle of a full cell (module docstring).

    Arrays broadcast; one design's floats are computed as NumPy scalars (:mod:`sianode.electrode.scalars`: the
    same numbers, without the 0-d array overhead).
    """
    qrev = farray(cathode_reversible)
    ice_c = _check_ice(cathode_ice, "cathode ICE", "cell.cathode")
    ice_a = _check_ice(anode_ice, "anode ICE", "anode.ice")
    qa = farray(anode_reversible)
    d = farray(dose)
    if anytrue(qrev <= 0) or anytrue(qa <= 0):
        raise InputError("cathode and anode capacities must be > 0", field="cell.np_ratio")
    if anytrue(d < 0):
        raise InputError("the prelithiation dose must be >= 0", field="cell.prelithiation.dose_mAh_cm2")
    li_in = qrev / ice_c + d
    taken = np.minimum(li_in, qa / ice_a)
    stored = taken * ice_a
    q_cell = np.minimum(stored, qrev)
    return Formation(li_in, taken - stored, li_in - taken, stored, q_cell, stored - q_cell, qrev + 0.0 * li_in)


def formation_q_cells(rows) -> list[float]:
    """``formation(*row).q_cell`` of each row (one design's :func:`formation` arguments), all rows in one elementwise
    call (each design's own floats); a row the formation rejects raises its own error, as alone. Used by the life
    and cell stages for the first-cycle capacity that sizes a batch's electrolyte."""
    if len(rows) == 1:
        return [float(formation(*rows[0]).q_cell)]
    try:
        return formation(*(np.array([float(a) for a in col]) for col in zip(*rows))).q_cell.tolist()
    except InputError:
        for row in rows:
            formation(*row)
        raise


def _check_ice(ice, what: str, field: str):
    a = farray(ice)
    if anytrue(~np.isfinite(a)) or anytrue((a <= 0) | (a > 1)):
        raise InputError(f"{what} must be in (0, 1], got {ice!r}", field=field)
    return a


def design_dose_mAh_cm2(design, cathode_reversible_mAh_cm2, cathode_ice, anode_ice) -> float:
    """The design's prelithiation dose (mAh/cm2): 0 without prelithiation, :func:`auto_dose` for 'auto'."""
    pre = design.cell.prelithiation
    if design.cell.kind != "full" or pre.method == "none":
        return 0.0
    if pre.dose_mAh_cm2 == "auto":
        return float(auto_dose(cathode_reversible_mAh_cm2, cathode_ice, anode_ice))
    return float(pre.dose_mAh_cm2)
