"""The materials stage of the chain: ``run(design, upstream) -> StageResult`` and ``report``.

Computes, for the design's active material, the Li–Si voltage curves (with hysteresis, c-Si
first lithiation and crystallised Li15Si4 delithiation), the volume vs capacity, and the capacity
and first-cycle-loss breakdown (:mod:`sianode.materials.composites`), plus electrode-level
numbers from the loading (full cells: the anode loading of the shared N/P rule,
:func:`sianode.electrode.loading.full_cell_loadings`; coating thickness and density from
:func:`sianode.electrode.coating.anode_geometry` with the particle envelope density). Pure, fast (a few
ms) and deterministic. First stage of the chain: needs no upstream.
"""
from __future__ import annotations

from functools import lru_cache
from operator import attrgetter

import numpy as np
import pandas as pd

from sianode.electrode.coating import anode_geometries
from sianode.electrode.loading import StoredLoadings, full_cell_loadings, loadings_key
from sianode.errors import InputError
from sianode.materials import composites, lisi, voltage
from sianode.materials.measured import apply_measured
from sianode.protocol import c_rate as protocol_c_rate
from sianode.results import StageResult, batch_summaries, check_batch

#: Earlier stages this stage reads (none: it is the first).
REQUIRES: tuple[str, ...] = ()

#: Material properties a design's ``[calibration]`` may set (posterior medians of ``sianode calibrate``).
CALIBRATED_PROPERTIES = ("reversible_capacity_mAh_g", "ice", "si_diffusivity_m2_s")


def calibrated_values(design) -> dict[str, float]:
    """The measured material properties in the design's ``[calibration]`` section (empty if none)."""
    cal = getattr(design, "calibration", None)
    if cal is None:
        return {}
    return {k: float(cal.parameters[k].value) for k in CALIBRATED_PROPERTIES if k in cal.parameters}


def _branch_funcs():
    return (("lithiation", voltage.ocv_lithiation_V), ("delithiation", voltage.ocv_delithiation_V),
            ("first_lithiation_crystalline", voltage.ocv_first_lithiation_crystalline_V),
            ("delithiation_crystallized", voltage.ocv_delithiation_crystallized_V))


def _voltage_table(props, n=121) -> pd.DataFrame:
    x = np.linspace(0.0, props.x_end, n)
    q = lisi.capacity_mAh_g_from_x(x)
    frames = [pd.DataFrame({"x": x, "capacity_mAh_g": q, "branch": name, "voltage_V": f(x),
                            "capacity_composite_mAh_g": q * props.si_mass_frac})
              for name, f in _branch_funcs()]
    return pd.concat(frames, ignore_index=True)


def _volume_table(props, n=41) -> pd.DataFrame:
    frac = np.linspace(0.0, 1.0, n)
    x = frac * props.x_end
    ws = np.array([c.mass_frac for c in props.components])
    env = np.array([w * c.envelope_cm3_g for w, c in zip(ws, props.components)])
    exp_ = sum(e * c.expansion_at(frac) for e, c in zip(env, props.components)) / env.sum()
    host = "crystalline" if props.crystalline_fraction >= 0.5 else "amorphous"
    return pd.DataFrame({"x": x, "capacity_mAh_g": frac * props.reversible_capacity_mAh_g,
                         "volume_ratio": lisi.volume_ratio(x, host), "particle_expansion": exp_})


@lru_cache(maxsize=256)
def _graphite_average_V(capacity_mAh_g: float) -> float:
    """Mean graphite OCP from empty to ``capacity_mAh_g`` (trapezoid rule; pure, memoised)."""
    sto = np.linspace(0, capacity_mAh_g / voltage.GRAPHITE_CAPACITY_MAH_G, 201)
    return float(np.trapezoid(voltage.graphite_ocv_V(sto), sto) / sto[-1])


def _average_voltage(props, branch: str, li15si4_frac: float) -> float:
    """Capacity-weighted average voltage of the composite on one branch."""
    num = den = 0.0
    for c in props.components:
        q = c.mass_frac * c.reversible_capacity_mAh_g
        if c.si_mass_frac > 0:
            if branch == "delithiation":
                v = ((1 - li15si4_frac) * voltage.average_voltage_V("delithiation", props.x_end)
                     + li15si4_frac * voltage.average_voltage_V("delithiation_crystallized", props.x_end))
            else:
                v = voltage.average_voltage_V("lithiation", props.x_end)
        else:
            v = _graphite_average_V(float(c.reversible_capacity_mAh_g))
        num += q * v
        den += q
    return num / den


def run(design, upstream=None) -> StageResult:
    """Run the materials stage for a validated ``sianode.design.Design``: a batch of one (:func:`run_batch`).

    Summary keys carry their units. Tables: ``voltage_curves``, ``volume_vs_capacity``,
    ``capacity_breakdown``, ``phases``. ``data`` is the :class:`CompositeProperties`; its
    ``extras["anode_geometry"]`` is the design's anode coating geometry (``AnodeGeometry`` of
    :func:`sianode.electrode.coating.anode_geometry` at the reported loading and the particle envelope density) and
    its ``extras["loadings"]`` the design's loadings (``StoredLoadings``: the life and cell stages read them through
    :func:`sianode.electrode.loading.design_loadings`).
    """
    return run_batch([design], [upstream])[0]


def run_batch(designs, upstreams, *, tables: bool = True) -> list[StageResult]:
    """The materials stage for many designs; ``run`` is this with one design (one implementation).
    ``tables=False`` (what a sweep does) skips the tidy tables; the summary and ``data`` are the same."""
    check_batch(designs, upstreams)
    props = _properties(designs)
    c_rates = [protocol_c_rate(d.protocol, p.reversible_capacity_mAh_g) for d, p in zip(designs, props)]
    composites.prime_si_utilisation(props, c_rates)  # one vectorised solve for the batch's delivered capacities
    return _results(designs, props, c_rates, tables)


def _v_min(design):
    """The anode's lower cut-off: the protocol's for a half cell; None in a full cell (its window is not an anode
    potential)."""
    return design.protocol.v_min_V if design.cell.kind == "half" else None


def _optional_field(model, name: str):
    """``getattr(model, name, None)``; a schema model (pydantic, unknown keys forbidden) without that field gives
    None at once (a failed look-up on a pydantic model raises inside and costs ~2 us a design)."""
    fields = _model_fields(type(model))
    if fields is not None and name not in fields:
        return None
    return getattr(model, name, None)


@lru_cache(maxsize=64)
def _model_fields(cls) -> frozenset | None:
    """The field names of a pydantic model class (None for another class); memoised, as reading
    ``model_fields`` costs ~1 us."""
    fields = getattr(cls, "model_fields", None)
    return None if fields is None else frozenset(fields)


def _properties(designs) -> list:
    """Each design's ``CompositeProperties`` (one :func:`composites.composite_properties_batch` call for the batch),
    with the calibrated values of its ``[calibration]`` if any."""
    for design in designs:
        if not hasattr(design, "active") or not hasattr(design, "electrode"):
            raise InputError("design must be a sianode.design.Design", field="design")
    ssas = []
    for design in designs:
        # optional measured area (schema field requested from the lead; used if present)
        ssa = _optional_field(design.active, "specific_surface_area_m2_g")
        if ssa is None and design.active.family == "si_graphite":
            ssa = _optional_field(design.active.silicon, "specific_surface_area_m2_g")
        ssas.append(ssa)
    props = composites.composite_properties_batch([d.active for d in designs], [_v_min(d) for d in designs], ssas)
    for n, design in enumerate(designs):
        measured = calibrated_values(design)
        if measured:  # values calibrated on measured cells replace the estimates (sianode.materials.measured)
            props[n] = apply_measured(props[n], **measured, source="design [calibration] (sianode calibrate)")
    return props


def _results(designs, props, c_rates, tables: bool) -> list[StageResult]:
    """The StageResult of each design: the per-design quantities of the summary computed on arrays over the batch
    (Li15Si4 fraction, delivered capacity and Si utilisation, areal and electrode capacities), then the summaries
    from those columns (:func:`sianode.results.batch_summaries`). (The steps that can fail run in the order one
    design's result always ran them.)"""
    n = len(designs)
    v_min = [_v_min(d) for d in designs]
    half = [i for i in range(n) if v_min[i] is not None]
    f_cryst = np.ones(n)
    if half:
        f_cryst[half] = voltage.li15si4_fraction(np.array([v_min[i] for i in half], dtype=float))

    def col(attr):
        return np.array(list(map(attrgetter(attr), props)), dtype=float)

    rev, first, si_rev = col("reversible_capacity_mAh_g"), col("first_lithiation_capacity_mAh_g"), \
        col("si_reversible_capacity_mAh_g")
    si_frac = col("si_mass_frac")
    delivered = composites.delivered_capacities_mAh_g(props, c_rates)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(si_rev > 0, (delivered - (rev - si_rev)) / si_rev, np.nan)
        sei_over_si = np.where(si_frac > 0, col("si_surface_area_m2_g") / si_frac, np.nan)
    loads = [full_cell_loadings(d, p) for d, p in zip(designs, props)]  # full cells: the shared N/P rule
    anode = np.array([ld.anode_mg_cm2 for ld in loads], dtype=float)
    loading_g_cm2 = anode * 1e-3
    avg_v = [(_average_voltage(p, "delithiation", f), _average_voltage(p, "lithiation", f))
             for p, f in zip(props, f_cryst.tolist())]
    geos = anode_geometries(designs, [p.density_g_cm3 for p in props], [ld.anode_mg_cm2 for ld in loads])
    for d, p, g, ld in zip(designs, props, geos, loads):  # owned here: mechanics, life and cell read them
        p.extras["anode_geometry"] = g
        p.extras["loadings"] = StoredLoadings(loadings_key(d, p), ld)
    thick = np.array([g.thickness_um for g in geos], dtype=float)
    head = {  # the summary's leading keys, each a column over the batch
        "family": [p.family for p in props], "anode_loading_mg_cm2": anode, "reversible_capacity_mAh_g": rev,
        "first_lithiation_capacity_mAh_g": first, "irreversible_capacity_mAh_g": first - rev,
        "ice_pct": 100 * col("ice"), "c_rate": np.array(c_rates, dtype=float), "delivered_capacity_mAh_g": delivered,
        "si_utilisation_first_cycle": util, "capacity_mAh_cm3": col("capacity_mAh_cm3"),
        "capacity_lithiated_mAh_cm3": col("capacity_lithiated_mAh_cm3"),
        "particle_expansion_pct": 100 * col("particle_expansion"), "si_mass_frac": si_frac,
        "carbon_mass_frac": col("carbon_mass_frac"), "specific_surface_area_m2_g": col("specific_surface_area_m2_g"),
        "sei_surface_over_si_m2_per_g_si": sei_over_si, "particle_density_g_cm3": col("density_g_cm3"),
        "pore_filling_fraction": col("pore_filling_fraction"), "buffer_volume_fraction": col("buffer_volume_fraction"),
        "x_end": col("x_end"), "li15si4_fraction": f_cryst, "areal_capacity_mAh_cm2": loading_g_cm2 * rev,
        "first_lithiation_areal_capacity_mAh_cm2": loading_g_cm2 * first,
        "average_delithiation_voltage_V": [float(v[0]) for v in avg_v],
        "average_lithiation_voltage_V": [float(v[1]) for v in avg_v]}
    tail = {  # after the design's own keys (cathode loading, calibration)
        **{f"irreversible_{k}_mAh_g": np.array([p.irreversible_breakdown_mAh_g[k] for p in props], dtype=float)
           for k in composites.IRREVERSIBLE_PARTS},
        "electrode_density_g_cm3": [g.press_density_g_cm3 for g in geos],
        "electrode_porosity": [g.porosity for g in geos],
        "electrode_capacity_mAh_cm3": loading_g_cm2 * rev / (thick * 1e-4),
        "electrode_thickness_um": [g.thickness_um for g in geos],
        "si_diffusion_radius_nm": col("si_diffusion_radius_m") * 1e9}
    own = [_own_keys(d, ld) for d, ld in zip(designs, loads)]
    return [StageResult(name="materials", summary=s, tables=_tables(p) if tables else {}, data=p)
            for s, p in zip(batch_summaries(head, own, tail), props)]


def _own_keys(design, loads) -> list[tuple[str, object]]:
    """The summary entries only some designs have, in summary order: a full cell's cathode loading, the
    calibrated properties (and a calibrated Si diffusivity)."""
    out = []
    if loads.cathode_mg_cm2 is not None:
        out.append(("cathode_loading_mg_cm2", float(loads.cathode_mg_cm2)))
    measured = calibrated_values(design)
    if measured:
        out.append(("calibrated_properties", ", ".join(measured)))
        if "si_diffusivity_m2_s" in measured:
            out.append(("si_diffusivity_m2_s", float(measured["si_diffusivity_m2_s"])))
    return out


def _tables(props) -> dict[str, pd.DataFrame]:
    """The stage's tidy tables of one design (reports; a sweep skips them)."""
    return {
        "voltage_curves": _voltage_table(props),
        "volume_vs_capacity": _volume_table(props),
        "capacity_breakdown": props.breakdown,
        "phases": lisi.phase_table(),
    }


# --------------------------------------------------------------------------- report
def report(result: StageResult):
    """Report sections: summary, voltage curves with hysteresis, volume vs capacity, ICE breakdown."""
    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, paragraph, table

    from sianode.key_results import stage_key_results
    from sianode.report.html import quantities_table

    secs = [Section("Materials summary", quantities_table(stage_key_results(result))
                    + paragraph("Capacities from Faraday's law on the Li–Si phases; delivered capacity at the "
                                "protocol's rate from the Si utilisation (sianode.materials.utilisation); first-cycle "
                                "loss from SiOx conversion, SEI (flat on the outer surface, volume-capped in pores), "
                                "the carbon's own loss and Li trapped in Si. See docs/materials.md."))]

    vc = result.tables["voltage_curves"]
    fig, ax = plt.subplots(figsize=(6.5, 4))
    styles = {"lithiation": ("C0", "-"), "delithiation": ("C3", "-"),
              "first_lithiation_crystalline": ("C0", "--"), "delithiation_crystallized": ("C3", "--")}
    for b, g in vc.groupby("branch", sort=False):
        col, ls = styles.get(b, ("k", ":"))
        ax.plot(g["capacity_mAh_g"], g["voltage_V"], color=col, ls=ls, label=b.replace("_", " "))
    ax.set_xlabel("capacity (mAh per g Si)")
    ax.set_ylabel("voltage vs Li/Li+ (V)")
    ax.set_ylim(0, 1.0)
    ax.legend(fontsize=8)
    ax.set_title("LixSi quasi-equilibrium voltage with hysteresis")
    secs.append(Section("Voltage curves", figure(fig, "voltage curves")))

    vv = result.tables["volume_vs_capacity"]
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(vv["capacity_mAh_g"], vv["volume_ratio"], label="LixSi V/V0 (Si only)")
    ax.plot(vv["capacity_mAh_g"], 1 + vv["particle_expansion"], label="particle envelope V/V0")
    ax.set_xlabel("capacity (mAh per g composite)")
    ax.set_ylabel("V / V0")
    ax.legend(fontsize=8)
    secs.append(Section("Volume vs capacity", figure(fig, "volume vs capacity")))

    bd = result.tables["capacity_breakdown"]
    fig, ax = plt.subplots(figsize=(6.5, 4))
    names = bd["component"].tolist()
    pos = np.arange(len(names))
    ax.bar(pos, bd["reversible_capacity_mAh_g"], label="reversible", color="C2")
    bottom = bd["reversible_capacity_mAh_g"].to_numpy().copy()
    for i, k in enumerate(composites.IRREVERSIBLE_PARTS):
        vals = bd[f"irreversible_{k}_mAh_g"].to_numpy()
        ax.bar(pos, vals, bottom=bottom, label=f"irreversible: {k}", color=f"C{i + 3}")
        bottom = bottom + vals
    for p_, ice in zip(pos, bd["ice_pct"]):
        ax.text(p_, bottom[p_] * 1.01, f"ICE {ice:.1f}%", ha="center", fontsize=8)
    ax.set_xticks(pos, names, fontsize=8)
    ax.set_ylabel("first-lithiation capacity (mAh/g)")
    ax.set_ylim(0, 1.08 * float(bottom.max()))  # room for the ICE labels
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the bars, never over them
    secs.append(Section("Capacity and ICE breakdown", figure(fig, "capacity and ICE breakdown")
                        + table(bd, name="materials_capacity_breakdown")))
    return secs
