"""Lithium inventory of half and full cells: where every lithium atom is, cycle by cycle.

All quantities are charges per gram of anode active material (mAh/g), vectorised over designs.

Full cell (cathode-limited, seeds/003 §4.2): the cathode of capacity ``Qc = Qa0 / (N/P)``
(N/P on the reversible basis) gives ``Qc / ICE_c`` on its first charge; a prelithiation dose ``P``
adds lithium to the anode; formation binds the fraction ``1 - ICE`` of the lithium the anode takes
and any excess plates as dead Li metal -- the one first-cycle bookkeeping of every stage,
:func:`sianode.electrode.formation.formation`. Between cycles the lithium sits in the cathode (``C``)
and in the anode (``A``, the reserve). A cycle:

* charge ``Q = min(C, s_max Qa - A)`` moves lithium from cathode to anode (``s_max`` is the
  anode SOC cap of an anode-tailored design, seeds/000 §5; ``Qa`` the accessible anode capacity);
* the anode window is ``[A/Qa, (A+Q)/Qa]``;
* SEI growth binds ``S`` and isolated particles trap ``T``;
* discharge returns ``min(A + Q - S - T, Qc - C + Q)``: until the anode is empty or the
  cathode is full. A prelithiation reserve therefore refills losses and keeps capacity up.

Half cell (Li metal counter electrode, lithium in excess): the window is fixed by the cut-offs
``[s_min, s_max]``, lithiation passes ``Q + S`` (SEI lithium comes from the counter
electrode) and delithiation returns what the still-connected particles release. A half cell
never runs out of lithium, which is why it overstates full-cell life.

Lithium is conserved exactly: ``C + A + Q_irr + plated + sum S + sum T = Qc / ICE_c + P`` (full cell) and
``A + Q_irr + sum S + sum T = net lithium supplied by the counter electrode`` (half cell).
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError


def irreversible_first_cycle_mAh_g(reversible_mAh_g, ice):
    """First-lithiation lithium that is not returned: ``Q_rev (1/ICE - 1)``."""
    ice = np.asarray(ice, float)
    if np.any((ice <= 0) | (ice > 1)):
        raise InputError("initial coulombic efficiency must be within (0, 1]", field="ice")
    return np.asarray(reversible_mAh_g, float) * (1.0 / ice - 1.0)


def cathode_capacity_mAh_g(reversible_mAh_g, np_ratio):
    """Cathode capacity per gram of anode active material from the (reversible) N/P ratio."""
    npr = np.asarray(np_ratio, float)
    if np.any(npr <= 0):
        raise InputError("N/P ratio must be > 0", field="cell.np_ratio")
    return np.asarray(reversible_mAh_g, float) / npr


def initial_full_cell(reversible_mAh_g, ice, np_ratio, prelithiation_mAh_g, cathode_ice=1.0):
    """Lithium in cathode ``C`` and anode ``A`` after formation of a full cell, the formation loss and ``Qc``.

    Delegates to :func:`sianode.electrode.formation.formation` (plated Li is ``Qc/ICE_c + P - C - A - loss``).
    """
    from sianode.electrode.formation import formation

    qc = cathode_capacity_mAh_g(reversible_mAh_g, np_ratio)
    f = formation(qc, cathode_ice, reversible_mAh_g, ice, prelithiation_mAh_g)
    return f.q_cell, f.reservoir, f.lost, qc


def full_cell_charge(C, A, Qa, soc_max):
    """Charge passed in a full cell: ``min(C, s_max Qa - A)`` (>= 0)."""
    return np.maximum(np.minimum(C, np.asarray(soc_max, float) * Qa - A), 0.0)


def full_cell_discharge(C, A, Q, S, T, Qc):
    """Lithium returned to the cathode and the new contents ``(returned, C_new, A_new)``."""
    anode_after = A + Q - S - T
    returned = np.maximum(np.minimum(anode_after, Qc - C + Q), 0.0)
    return returned, C - Q + returned, anode_after - returned
