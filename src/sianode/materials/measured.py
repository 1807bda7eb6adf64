"""Measured material properties in place of the model's estimates: capacity, ICE and Si diffusivity.

``sianode calibrate`` measures, on real half cells, what the materials stage otherwise estimates from the
design: the reversible capacity (mAh/g of active material), the first-cycle efficiency (ICE) and, when the
cells were cycled at several rates, the Li diffusivity in the Si that sets its utilisation
(:mod:`sianode.materials.utilisation`). :func:`apply_measured` returns the materials stage's
:class:`~sianode.materials.composites.CompositeProperties` with those values, so every later stage (life,
echem, cell) reads the measured numbers from the one owner, exactly as it reads a measured BET area.

What changes, and what is assumed
---------------------------------
* **Capacity.** The deviation from the model is put on the Si-bearing components (Si, SiOx, Si–C; the
  carbon/graphite of a blend keeps its own capacity): their reversible capacity, the part stored in Si and
  the voltage curves' capacity axes scale by one factor ``k`` chosen so that the composite's mass-weighted
  capacity is the measured one. Volumetric capacities scale with it. The particle expansion is *not*
  changed (an assumption: a lower capacity from inactive Si still leaves that Si's volume in place).
* **ICE.** The first-lithiation capacity becomes ``Q_rev / ICE``; the extra (or missing) irreversible
  capacity is put on the Si-bearing components and split over the causes of the materials stage's
  breakdown (SiOx conversion, SEI, carbon, Li trapping) *in the model's proportions*: cycling data
  measure the total first-cycle loss, not its split.
* **Diffusivity.** Replaces :data:`sianode.materials.lisi.D_ASI_M2_S` in the utilisation of this material.

Pure function; the input is not modified.
"""
from __future__ import annotations

import copy

import numpy as np

from sianode.errors import InputError


def _si_bearing(c) -> bool:
    return float(getattr(c, "si_mass_frac", 0.0)) > 0.0


def apply_measured(props, reversible_capacity_mAh_g: float | None = None, ice: float | None = None,
                   si_diffusivity_m2_s: float | None = None, source: str = "measured", tables: bool = True):
    """A copy of ``props`` (``CompositeProperties``) with measured capacity, ICE and/or Si diffusivity.

    Parameters
    ----------
    reversible_capacity_mAh_g : reversible capacity of the active material (composite), mAh/g (> 0).
    ice : first-cycle coulombic efficiency of the active material, (0, 1].
    si_diffusivity_m2_s : Li diffusivity in the lithiated Si, m2/s (> 0).
    source : text recorded in ``props.extras["measured"]``.
    tables : also rebuild the components' voltage curves (the cell stage reads them; the life stage does not; the
        breakdown table is built when asked for).
    """
    from sianode.materials.composites import component_voltage_curve

    out = copy.deepcopy(props)
    out._utilisation = {}  # solved for the model's values, not the measured ones
    comps = list(out.components) or []
    si = [c for c in comps if _si_bearing(c)]
    rest = [c for c in comps if not _si_bearing(c)]
    if (reversible_capacity_mAh_g is not None or ice is not None) and not si:
        raise InputError("the active material has no Si-bearing component to carry a measured capacity or ICE",
                         field="calibration")
    if reversible_capacity_mAh_g is not None:
        q = float(reversible_capacity_mAh_g)
        if not (np.isfinite(q) and q > 0):
            raise InputError(f"measured reversible capacity must be > 0 mAh/g, got {q!r}",
                             field="calibration.parameters.reversible_capacity_mAh_g")
        q_rest = sum(c.mass_frac * c.reversible_capacity_mAh_g for c in rest)
        q_si = sum(c.mass_frac * c.reversible_capacity_mAh_g for c in si)
        if q <= q_rest:
            raise InputError(f"a measured capacity of {q:.4g} mAh/g is below what the blend's graphite alone holds "
                             f"({q_rest:.4g} mAh/g)", field="calibration.parameters.reversible_capacity_mAh_g")
        k = (q - q_rest) / q_si
        for c in si:
            irr = c.first_lithiation_capacity_mAh_g - c.reversible_capacity_mAh_g
            c.reversible_capacity_mAh_g *= k
            c.si_reversible_capacity_mAh_g *= k
            c.first_lithiation_capacity_mAh_g = c.reversible_capacity_mAh_g + irr
            c.ice = c.reversible_capacity_mAh_g / c.first_lithiation_capacity_mAh_g
            if tables:
                c.voltage_curve = component_voltage_curve(c, out.x_end)
        out.capacity_mAh_cm3 *= q / out.reversible_capacity_mAh_g
        out.capacity_lithiated_mAh_cm3 *= q / out.reversible_capacity_mAh_g
        out.si_reversible_capacity_mAh_g = float(sum(c.mass_frac * c.si_reversible_capacity_mAh_g for c in comps))
        out.reversible_capacity_mAh_g = q
    if ice is not None:
        e = float(ice)
        if not (np.isfinite(e) and 0 < e <= 1):
            raise InputError(f"measured ICE must be in (0, 1], got {e!r}", field="calibration.parameters.ice")
        first = out.reversible_capacity_mAh_g / e
        first_rest = sum(c.mass_frac * c.first_lithiation_capacity_mAh_g for c in rest)
        first_si = sum(c.mass_frac * c.first_lithiation_capacity_mAh_g for c in si)
        rev_si = sum(c.mass_frac * c.reversible_capacity_mAh_g for c in si)
        need_si = first - first_rest  # first-lithiation capacity the Si-bearing part must have
        if need_si < rev_si:
            raise InputError(f"a measured ICE of {100 * e:.1f} % is higher than the blend allows: its graphite alone "
                             "loses more on the first cycle", field="calibration.parameters.ice")
        irr_old = first_si - rev_si
        scale = (need_si - rev_si) / irr_old if irr_old > 0 else None
        for c in si:
            irr_c = c.first_lithiation_capacity_mAh_g - c.reversible_capacity_mAh_g
            if scale is None:  # the model has no loss on Si: put the measured loss in proportion to capacity
                new_irr = (need_si - rev_si) * c.reversible_capacity_mAh_g / rev_si
                br_total = sum(c.irreversible_breakdown_mAh_g.values())
                c.irreversible_breakdown_mAh_g = ({k: v / br_total * new_irr for k, v in c.irreversible_breakdown_mAh_g.items()}
                                                  if br_total > 0 else {**c.irreversible_breakdown_mAh_g})
            else:
                new_irr = irr_c * scale
                c.irreversible_breakdown_mAh_g = {k: v * scale for k, v in c.irreversible_breakdown_mAh_g.items()}
            c.first_lithiation_capacity_mAh_g = c.reversible_capacity_mAh_g + new_irr
            c.ice = c.reversible_capacity_mAh_g / c.first_lithiation_capacity_mAh_g
        out.first_lithiation_capacity_mAh_g = first
        out.ice = e
        ws = [c.mass_frac for c in comps]
        out.irreversible_breakdown_mAh_g = {k: float(sum(w * c.irreversible_breakdown_mAh_g.get(k, 0.0)
                                                         for w, c in zip(ws, comps)))
                                            for k in out.irreversible_breakdown_mAh_g}
    elif reversible_capacity_mAh_g is not None:  # capacity changed, ICE follows from the unchanged loss
        out.first_lithiation_capacity_mAh_g = float(sum(c.mass_frac * c.first_lithiation_capacity_mAh_g for c in comps))
        out.ice = out.reversible_capacity_mAh_g / out.first_lithiation_capacity_mAh_g
    if si_diffusivity_m2_s is not None:
        d = float(si_diffusivity_m2_s)
        if not (np.isfinite(d) and d > 0):
            raise InputError(f"measured Si diffusivity must be > 0 m2/s, got {d!r}",
                             field="calibration.parameters.si_diffusivity_m2_s")
        out.si_diffusivity_m2_s = d
    done = {k: v for k, v in dict(reversible_capacity_mAh_g=reversible_capacity_mAh_g, ice=ice,
                                  si_diffusivity_m2_s=si_diffusivity_m2_s).items() if v is not None}
    out.extras = {**out.extras, "measured": {**done, "source": source}}
    return out
