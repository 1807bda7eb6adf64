"""The cell stage of the chain: stack design, Wh/kg and Wh/L, prelithiation dose, cost, criteria.

``run(design, upstream)`` reads ``upstream["materials"].data`` (``CompositeProperties``: per-component
capacity, ICE, envelope density, expansion and voltage curve) and ``upstream["mechanics"].data``
(``electrode_thickness_change`` at full lithiation and ``irreversible_swelling_per_cycle``, for the
swollen and end-of-life thickness); both are required (the chain runs them first).

Shared rules come from the foundation layer: loadings (:func:`sianode.electrode.loading.full_cell_loadings`:
the cathode loading if given fixes the anode loading, otherwise ``electrode.loading_mg_cm2`` fixes the
cathode loading), the anode coating (:func:`sianode.electrode.coating.anode_coating`), the first-cycle
lithium and the prelithiation dose (:mod:`sianode.electrode.formation`), the cathode (:mod:`sianode.cathodes`)
and the design's electrolyte amount (:mod:`sianode.electrolyte_amount`, the same E/C the life stage uses).
The graphite reference cell is :func:`sianode.cell.reference.graphite_reference` (cell section only).

Half cells: the stage reports the anode's areal capacity and what a *matched NCM811 pouch* would deliver
-- assumption: the anode as designed (same loading) facing an NCM811 cathode sized for N/P = 1.1
(reversible basis), default pouch format, no prelithiation, electrolyte filling that pouch's pores.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sianode.cathodes import get_cathode
from sianode.cell import cost as _cost
from sianode.cell import criteria as _criteria
from sianode.cell.anode import AnodeBlend, AnodeComponent, anode_from_composite, two_component
from sianode.cell.reference import (MATCHED_CATHODE, MATCHED_FORMAT, MATCHED_NP, graphite_component,
                                    graphite_reference, separator_kwargs)
from sianode.cell.stack import cell_model
from sianode.electrode.coating import anode_coating
from sianode.electrode.formation import design_dose_mAh_cm2, formation
from sianode.electrode.loading import full_cell_loadings
from sianode.electrolyte_amount import design_electrolyte
from sianode.results import StageResult, require

#: Earlier stages this stage reads.
REQUIRES: tuple[str, ...] = ("materials", "mechanics")


def _mechanics(mech, cycles: int) -> dict:
    """Anode swelling from the mechanics stage (its owner): reversible, and the delithiated thickness change
    after the protocol's cycles (SEI + locked-in pulverisation / binder failure) spread over those cycles, so
    ``eol_cycles * irreversible_swelling_per_cycle`` is exactly the mechanics stage's end-of-life swelling."""
    d = mech.data
    return {"anode_thickness_change": float(d.electrode_thickness_change),
            "irreversible_swelling_per_cycle": float(d.end_of_life_swelling) / max(int(cycles), 1)}


def model_kwargs(design, upstream) -> dict[str, Any]:
    """Keyword arguments of :func:`sianode.cell.stack.cell_model` for a design (full or matched half cell).

    ``upstream`` holds the materials and mechanics results (the chain's).
    """
    props = require(upstream, "materials", "cell").data
    c = design.cell
    kw: dict[str, Any] = dict(anode_coating=anode_coating(design), eol_cycles=design.protocol.cycles)
    kw.update(_mechanics(require(upstream, "mechanics", "cell"), design.protocol.cycles))
    kw.update(separator_kwargs(design))
    loads = full_cell_loadings(design, props)
    if c.kind == "full":
        kw.update(cathode_loading_mg_cm2=loads.cathode_mg_cm2, np_ratio=c.np_ratio, np_basis=c.np_basis,
                  allow_np_below_1=c.allow_np_below_1, cell_format=c.format,
                  prelithiation=c.prelithiation.method, dose_mAh_cm2=c.prelithiation.dose_mAh_cm2)
        if design.electrolyte.kind != "solid":  # the design's one E/C (the life stage reads the same)
            kw.update(electrolyte="ec_ratio", ec_ratio_g_Ah=_electrolyte(design, props, loads).ec_ratio_g_Ah)
    else:
        cathode = get_cathode(MATCHED_CATHODE)
        anode_areal = loads.anode_mg_cm2 * 1e-3 * float(props.reversible_capacity_mAh_g)
        kw.update(cathode_loading_mg_cm2=anode_areal / MATCHED_NP / (cathode.reversible_capacity_mAh_g * 1e-3),
                  np_ratio=MATCHED_NP, np_basis="reversible", cell_format=MATCHED_FORMAT, prelithiation="none")
        if c.ec_ratio_g_Ah is not None:
            kw.update(electrolyte="ec_ratio", ec_ratio_g_Ah=c.ec_ratio_g_Ah)
    return kw


def _electrolyte(design, props, loads):
    """The design's electrolyte amount (full cell) at its first-cycle capacity (sianode.electrolyte_amount)."""
    cathode = get_cathode(design.cell.cathode)
    m_a = loads.anode_mg_cm2 * 1e-3
    qc_rev = loads.cathode_mg_cm2 * 1e-3 * cathode.reversible_capacity_mAh_g
    dose = design_dose_mAh_cm2(design, qc_rev, cathode.ice, props.ice)
    q_cell = float(formation(qc_rev, cathode.ice, m_a * props.reversible_capacity_mAh_g, props.ice, dose).q_cell)
    return design_electrolyte(design, float(props.density_g_cm3), loads.anode_mg_cm2, loads.cathode_mg_cm2, q_cell)


def _blend(props) -> AnodeBlend:
    return anode_from_composite(props)


def _si_sweep(cathode, blend: AnodeBlend, kw) -> pd.DataFrame:
    """Energy vs Si-material content: the design's Si component blended with graphite, 0..100 %."""
    comps = blend.components
    si = [c for c in comps if "graphite" not in c.name]
    if not si:
        return pd.DataFrame()
    g = [c for c in comps if "graphite" in c.name]
    g = g[0] if g else graphite_component()
    f = np.linspace(0.0, 1.0, 41)
    # the mechanics stage's numbers belong to the design's own composition: the sweep uses the
    # particle-expansion swelling and scales the irreversible growth with the reversible swelling
    # (irreversible / reversible ratio of the design held constant -- an assumption)
    kws = {k: v for k, v in kw.items() if k not in ("anode_thickness_change", "irreversible_swelling_per_cycle")}
    blend_f = two_component(g, si[0], f)
    res = cell_model(cathode, blend_f, **kws)
    irr = kw.get("irreversible_swelling_per_cycle")
    dh = kw.get("anode_thickness_change")
    if irr is not None and dh:
        v0 = res.values
        eps_full = np.asarray(v0["anode_thickness_change_charged"]) / np.asarray(v0["anode_utilisation_top_of_charge"])
        res = cell_model(cathode, blend_f, **kws, irreversible_swelling_per_cycle=irr / dh * eps_full)
    df = res.to_frame()
    df.insert(0, "si_material_fraction", f)
    return df[["si_material_fraction", "specific_energy_Wh_kg", "energy_density_Wh_L", "energy_density_unswollen_Wh_L",
               "energy_density_eol_Wh_L", "average_voltage_V", "anode_thickness_change_charged",
               "prelithiation_dose_mAh_cm2"]]


def run(design, upstream=None) -> StageResult:
    """Run the cell stage for a validated design (see module docstring)."""
    props = require(upstream, "materials", "cell").data
    blend = _blend(props)
    c = design.cell
    kw = model_kwargs(design, upstream)
    loads = full_cell_loadings(design, props)
    notes = []
    half = c.kind == "half"
    anode_areal = loads.anode_mg_cm2 * 1e-3 * float(blend.reversible_capacity_mAh_g)
    if half:
        cathode = get_cathode(MATCHED_CATHODE)
        notes.append(f"half-cell design: 'matched pouch' = this anode ({design.electrode.loading_mg_cm2:g} mg/cm2, "
                     f"{anode_areal:.3g} mAh/cm2 reversible) against NCM811 sized for N/P = {MATCHED_NP} "
                     "(reversible basis), default pouch, no prelithiation")
    else:
        cathode = get_cathode(c.cathode)
        notes.append(loads.note + " (one rule for every stage: sianode.electrode.loading)")
    res = cell_model(cathode, blend, **kw)
    res_nopre = cell_model(cathode, blend, **{**kw, "prelithiation": "none"}) if kw.get("prelithiation", "none") != "none" else res
    res_gr = graphite_reference(design)
    notes += res.notes
    v = {k: float(np.asarray(x, dtype=float)) for k, x in res.values.items()}
    v["np_ratio"] = float(kw["np_ratio"])
    crit = _criteria.evaluate(v)
    si_share = float(sum(w for w, comp in zip(blend.weights.ravel(), blend.components) if "graphite" not in comp.name))
    cost = _cost.materials_cost(res, cathode.name, si_share, kw.get("prelithiation", "none"))
    cost_gr = _cost.materials_cost(res_gr, cathode.name, 0.0)
    summary = {
        "cell_kind": c.kind,
        "cell_format": kw["cell_format"],
        "cathode": cathode.name,
        "np_ratio": v["np_ratio"],
        "np_basis": kw.get("np_basis", "reversible"),
        "anode_loading_mg_cm2": v["anode_loading_mg_cm2"],
        "cathode_loading_mg_cm2": float(kw["cathode_loading_mg_cm2"]),
        "anode_areal_capacity_design_mAh_cm2": anode_areal,
        "specific_energy_Wh_kg": v["specific_energy_Wh_kg"],
        "energy_density_Wh_L": v["energy_density_Wh_L"],
        "energy_density_unswollen_Wh_L": v["energy_density_unswollen_Wh_L"],
        "energy_density_eol_Wh_L": v["energy_density_eol_Wh_L"],
        "free_volume_cm3": v["free_volume_cm3"],
        "capacity_Ah": v["capacity_Ah"],
        "energy_Wh": v["energy_Wh"],
        "mass_g": v["mass_g"],
        "areal_capacity_mAh_cm2": v["areal_capacity_mAh_cm2"],
        "average_voltage_V": v["average_voltage_V"],
        "anode_average_delithiation_V": v["anode_average_delithiation_V"],
        "round_trip_energy_efficiency": v["energy_efficiency"],
        "anode_ice": v["anode_ice"],
        "cathode_utilisation": v["cathode_utilisation"],
        "prelithiation_method": kw.get("prelithiation", "none"),
        "prelithiation_dose_mAh_cm2": v["prelithiation_dose_mAh_cm2"],
        "prelithiation_li_mg_cm2": v["prelithiation_li_mg_cm2"],
        "prelithiation_energy_gain_pct": 100 * (v["specific_energy_Wh_kg"]
                                                / float(res_nopre.values["specific_energy_Wh_kg"]) - 1),
        "anode_thickness_um": v["anode_thickness_um"],
        "anode_thickness_charged_um": v["anode_thickness_charged_um"],
        "cathode_thickness_um": v["cathode_thickness_um"],
        "electrolyte_g_per_Ah": v["electrolyte_g_per_Ah"],
        "plated_li_mAh_cm2": v["plated_li_mAh_cm2"],
        "plated_li_um": v["plated_li_um"],
        "li_reservoir_mAh_cm2": v["li_reservoir_mAh_cm2"],
        "anode_coating_thickness_um": v["anode_coating_thickness_um"],
        "graphite_reference_Wh_kg": float(res_gr.values["specific_energy_Wh_kg"]),
        "graphite_reference_Wh_L": float(res_gr.values["energy_density_Wh_L"]),
        "materials_cost_usd_per_kWh": float(cost["usd_per_kWh"].iloc[-1]),
        "graphite_reference_cost_usd_per_kWh": float(cost_gr["usd_per_kWh"].iloc[-1]),
        "criteria_passed": int(crit["passed"].sum()),
        "criteria_total": int(len(crit)),
        "swelling_source": "mechanics stage",
    }
    tables = {
        "design": res.to_frame(),
        "breakdown": res.breakdown(),
        "criteria": crit,
        "cost": cost,
        "energy_vs_si": _si_sweep(cathode, blend, kw),
        "notes": pd.DataFrame({"note": notes}),
    }
    return StageResult(name="cell", summary=summary, tables=tables,
                       data={"result": res, "graphite_reference": res_gr, "no_prelithiation": res_nopre,
                             "cathode": cathode, "anode": blend, "model_kwargs": kw, "notes": notes})


# --------------------------------------------------------------------------- report
def report(result: StageResult):
    """Sections: summary, mass/volume breakdown chart, energy vs Si content, criteria, cost, assumptions."""
    import html as _html

    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, kv_table, paragraph, table

    s = result.summary
    secs = []
    keys = ["cell_kind", "cell_format", "cathode", "np_ratio", "np_basis", "anode_loading_mg_cm2",
            "cathode_loading_mg_cm2", "anode_thickness_um", "cathode_thickness_um", "specific_energy_Wh_kg",
            "energy_density_Wh_L", "energy_density_unswollen_Wh_L", "energy_density_eol_Wh_L", "free_volume_cm3",
            "capacity_Ah", "areal_capacity_mAh_cm2", "average_voltage_V", "anode_average_delithiation_V",
            "round_trip_energy_efficiency",
            "anode_ice", "cathode_utilisation", "prelithiation_method", "prelithiation_dose_mAh_cm2",
            "prelithiation_li_mg_cm2", "prelithiation_energy_gain_pct", "graphite_reference_Wh_kg",
            "graphite_reference_Wh_L", "materials_cost_usd_per_kWh", "swelling_source"]
    intro = ("Wh/L is given at the charged, swollen anode thickness; 'unswollen' at the as-made thickness. "
             f"N/P basis: {s['np_basis']}.")
    if s["cell_kind"] == "half":
        intro += (" Half-cell design: the numbers are for a matched NCM811 pouch (N/P 1.1, reversible basis) built "
                  "around this anode -- an assumption, not the tested cell.")
    secs.append(Section("Cell summary", paragraph(intro) + kv_table({k: s[k] for k in keys if k in s}, "Cell")))

    bd = result.tables["breakdown"]
    fig, axs = plt.subplots(1, 2, figsize=(10, 4))
    m = bd[bd["mass_g"] > 0].sort_values("mass_g")
    axs[0].barh(m["component"], m["mass_pct"], color="C0")
    axs[0].set_xlabel("mass (%)")
    axs[0].set_title("mass breakdown")
    vv = bd[bd["volume_cm3"] > 0].sort_values("volume_cm3")
    axs[1].barh(vv["component"], vv["volume_pct"], color="C1")
    axs[1].set_xlabel("volume, charged (%)")
    axs[1].set_title("volume breakdown")
    fig.tight_layout()
    secs.append(Section("Mass and volume breakdown", figure(fig, "mass and volume breakdown") + table(bd)))

    es = result.tables.get("energy_vs_si")
    if es is not None and len(es):
        fig, ax = plt.subplots(1, 2, figsize=(10, 4))
        ax[0].plot(100 * es["si_material_fraction"], es["specific_energy_Wh_kg"], "C0-")
        ax[0].set_xlabel("Si material in the anode blend (wt%)")
        ax[0].set_ylabel("Wh/kg")
        ax[1].plot(100 * es["si_material_fraction"], es["energy_density_unswollen_Wh_L"], "C1--", label="as made")
        ax[1].plot(100 * es["si_material_fraction"], es["energy_density_Wh_L"], "C1-", label="charged, swollen")
        ax[1].plot(100 * es["si_material_fraction"], es["energy_density_eol_Wh_L"], "C3:", label="end of life")
        ax[1].set_xlabel("Si material in the anode blend (wt%)")
        ax[1].set_ylabel("Wh/L")
        ax[1].legend(fontsize=8)
        fig.tight_layout()
        secs.append(Section("Energy vs Si content", figure(fig, "energy vs Si content")
                            + paragraph("The design's Si-containing component blended with graphite; same cathode, N/P, "
                                        "format and prelithiation policy. Swelling along the sweep from the particle "
                                        "expansion (materials stage), with the design's irreversible/reversible swelling "
                                        "ratio from the mechanics stage when present; the design point in the summary "
                                        "uses the mechanics stage's thickness change directly.")))
    crit = result.tables["criteria"]
    rows = "".join(
        f"<tr><td>{_html.escape(r.criterion)}</td><td>{r.value:.4g} {_html.escape(r.unit)}</td>"
        f"<td>{_html.escape(r.requirement)}</td><td class='{'pass' if r.passed else 'fail'}'>"
        f"{'pass' if r.passed else 'FAIL'}</td><td>{r.margin:+.3g}</td><td>{_html.escape(r.source)}</td></tr>"
        for r in crit.itertuples())
    secs.append(Section("Industrial criteria", "<table><tr><th>criterion</th><th>value</th><th>requirement</th>"
                        f"<th>result</th><th>margin</th><th>source</th></tr>{rows}</table>"))
    secs.append(Section("Materials cost", table(result.tables["cost"])
                        + paragraph("Materials only, with electrode and cell yields; prices are user-overridable "
                                    "estimates (see docs/cell.md). seeds/001 §4: Si/C cells cost ~2x graphite cells "
                                    "(1.3 vs 0.65 CNY/Wh).")))
    secs.append(Section("Assumptions", "".join(paragraph(n) for n in result.tables["notes"]["note"])))
    return secs
