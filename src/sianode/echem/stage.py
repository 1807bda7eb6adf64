"""The echem stage of the chain: a quick PyBaMM rate table, plating margins and the life hand-off.

``run(design, upstream)`` builds the design's parameter set (:mod:`sianode.echem.parameters`),
compiles one PyBaMM DFN model (small mesh) and, reusing it, computes

* the rate table (half cell: 0.2 -> 8 A/g, seeds/002 §3.2; full cell: 0.1C -> 6C) with voltage
  curves, average lithiation/delithiation voltages and the plating margin;
* the plating margin vs C-rate (1C, 3C, 6C) and temperature (-20 ... 60 °C), CC lithiation to 80 %
  SOC with the cut-off relaxed (seeds/000 §4.2.1, §5);
* the anode-tailored partial-SOC window (seeds/000 §5): delivered capacity and Si expansion swing
  for the full window and for 20-80 % anode SOC, handed to the life stage as
  ``summary["expansion_amplitude_partial"]`` / ``data.partial_soc``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sianode.echem import parameters as P
from sianode.echem.simulate import CellSimulator, half_cell_of, margin_up_to, partial_soc_cycle, rate_table
from sianode.results import StageResult, require

#: Earlier stages this stage reads (capacities, densities, diffusion radius: materials).
REQUIRES: tuple[str, ...] = ("materials",)

QUICK_RATES_A_G = (0.2, 0.5, 1.0, 2.0, 5.0, 8.0)
QUICK_C_RATES = (0.1, 0.5, 1.0, 2.0, 3.0, 6.0)
PLATING_C_RATES = (1.0, 3.0, 6.0)
PLATING_TEMPERATURES_C = (-20.0, 0.0, 25.0, 45.0, 60.0)
PARTIAL_WINDOW = (0.2, 0.8)


@dataclass
class EchemData:
    """What downstream stages may need from echem."""

    parameters: P.CellParameters
    rate_table: pd.DataFrame
    curves: pd.DataFrame
    plating: pd.DataFrame
    partial_soc: pd.DataFrame
    extras: dict = field(default_factory=dict)

    def expansion_amplitude(self, window=(0.0, 1.0)) -> float:
        """Si volumetric expansion swing for a window already simulated (life stage hand-off)."""
        df = self.partial_soc
        m = df[(np.isclose(df.soc_lo, window[0])) & (np.isclose(df.soc_hi, window[1]))]
        if m.empty:
            raise KeyError(f"window {window} not simulated; use sianode.echem.simulate.expansion_amplitude")
        return float(m.expansion_amplitude.iloc[0])


def run(design, upstream=None, model: str = "DFN") -> StageResult:
    """Run the quick electrochemistry of ``design`` (a few seconds).

    A valid design that PyBaMM cannot represent (solid electrolyte, > 2 phases, non-spherical
    particles) gives a result with ``summary["supported"] = False`` and the reason, so that the
    chain goes on; invalid input still raises :class:`~sianode.errors.InputError`.
    """
    mat = require(upstream, "materials", "echem")
    try:
        cp = P.from_design(design, upstream)
    except P.NotSupportedError as err:
        return StageResult(name="echem", summary={"supported": False, "reason": str(err)}, tables={}, data=None)
    sim = CellSimulator(cp, model=model)
    T = design.protocol.temperature_C + 273.15
    if cp.kind == "half":
        currents = np.asarray(QUICK_RATES_A_G) * sim.active_mass_g
    else:
        currents = np.asarray(QUICK_C_RATES) * cp.nominal_capacity_Ah
    rt, curves = rate_table(sim, currents, T, with_curves=True, with_plating=False)

    rows, pcurves = [], {}
    for t_C in PLATING_TEMPERATURES_C:
        for c in PLATING_C_RATES:
            r = sim.plating_margin(c * cp.nominal_capacity_Ah, t_C + 273.15)
            cur = r["curve"]
            pcurves[(c, t_C)] = (cur["charge_Ah"].to_numpy() / cp.nominal_capacity_Ah, cur["anode_potential_V"].to_numpy())
            rows.append({"c_rate": c, "temperature_C": t_C, "plating_margin_V": r["plating_margin_V"],
                         "soc_reached": r["soc_reached"], "soc_at_voltage_limit": r["soc_at_voltage_limit"],
                         "soc_at_plating_onset": r["soc_at_plating_onset"],
                         "plating_risk": r["plating_margin_V"] < 0})
    plating = pd.DataFrame(rows)
    # the same charge for every temperature of one C-rate: margins compared at equal charged capacity
    common = plating.groupby("c_rate")["soc_reached"].transform("min")
    plating["common_soc"] = common
    plating["plating_margin_equal_charge_V"] = [margin_up_to(*pcurves[(c, t)], q) for c, t, q in
                                                zip(plating.c_rate, plating.temperature_C, common)]

    hs = sim if cp.kind == "half" else CellSimulator(half_cell_of(cp), model=model)
    psoc = pd.DataFrame([partial_soc_cycle(hs, w, 0.5, T) for w in ((0.0, 1.0), PARTIAL_WINDOW)])

    mat_q = float(mat.data.reversible_capacity_mAh_g)
    pl25 = plating[(plating.temperature_C == 25.0)]
    summary = {
        "supported": True,
        "cell_kind": cp.kind,
        "nominal_capacity_mAh": cp.nominal_capacity_Ah * 1000,
        "anode_thickness_um": cp.anode.thickness * 1e6,
        "anode_porosity": cp.anode.porosity,
        "capacity_low_rate_mAh_g": float(rt.delithiation_capacity_mAh_g.iloc[0]),
        "capacity_high_rate_mAh_g": float(rt.delithiation_capacity_mAh_g.iloc[-1]),
        "low_rate": float(rt.current_A_g.iloc[0] if cp.kind == "half" else rt.c_rate.iloc[0]),
        "high_rate": float(rt.current_A_g.iloc[-1] if cp.kind == "half" else rt.c_rate.iloc[-1]),
        "rate_unit": "A/g" if cp.kind == "half" else "C",
        "avg_delithiation_V_low_rate": float(rt.avg_delithiation_V.iloc[0]),
        "plating_margin_3C_25C_V": float(pl25[pl25.c_rate == 3.0].plating_margin_V.iloc[0]),
        "plating_margin_3C_m20C_V": float(plating[(plating.temperature_C == -20.0) & (plating.c_rate == 3.0)].plating_margin_V.iloc[0]),
        "plating_common_soc_3C": float(pl25[pl25.c_rate == 3.0].common_soc.iloc[0]),
        "plating_margin_3C_25C_equal_charge_V": float(pl25[pl25.c_rate == 3.0].plating_margin_equal_charge_V.iloc[0]),
        "plating_margin_3C_m20C_equal_charge_V": float(plating[(plating.temperature_C == -20.0) & (plating.c_rate == 3.0)]
                                                       .plating_margin_equal_charge_V.iloc[0]),
        "expansion_amplitude_full": float(psoc.expansion_amplitude.iloc[0]),
        "expansion_amplitude_partial": float(psoc.expansion_amplitude.iloc[1]),
        "partial_soc_window": PARTIAL_WINDOW,
        "x_swing_partial": float(psoc.x_swing.iloc[1]),
        "model": f"PyBaMM {model} ({', '.join(f'{k}={v}' for k, v in sim.options.items())})",
    }
    summary["materials_capacity_mAh_g"] = mat_q
    # where the materials stage's capacity goes (the reading of 391 vs 597 mAh/g, docs/echem.md): a half cell
    # delivers the Si utilisation at each rate (sianode.materials.utilisation, the same radius and diffusivity
    # as the DFN); a full cell is cathode-limited after formation (sianode.electrode.formation), then the DFN
    # adds the rate losses of both electrodes and the electrolyte
    if cp.kind == "half":
        c_lo = float(rt.current_A_g.iloc[0]) * 1000.0 / mat_q
        summary["materials_delivered_capacity_low_rate_mAh_g"] = float(mat.data.delivered_capacity_mAh_g(c_lo))
    else:
        from sianode.cathodes import get_cathode
        from sianode.electrode.formation import design_dose_mAh_cm2, formation
        from sianode.electrode.loading import full_cell_loadings

        loads = full_cell_loadings(design, mat.data)
        cath = get_cathode(design.cell.cathode)
        qc = loads.cathode_mg_cm2 * 1e-3 * cath.reversible_capacity_mAh_g
        qa = loads.anode_mg_cm2 * 1e-3 * mat_q
        dose = design_dose_mAh_cm2(design, qc, cath.ice, float(mat.data.ice))
        fm = formation(qc, cath.ice, qa, float(mat.data.ice), dose)
        summary["formation_capacity_mAh_g"] = float(fm.q_cell) / (loads.anode_mg_cm2 * 1e-3)
    data = EchemData(cp, rt, curves, plating, psoc)
    tables = {"rate_table": rt, "voltage_curves": curves, "plating_margin": plating, "partial_soc": psoc,
              "parameters": P.provenance_table(cp)}
    return StageResult(name="echem", summary=summary, tables=tables, data=data)


def report(result: StageResult):
    """Report sections: voltage curves per rate, rate table, plating margin vs rate and temperature."""
    import matplotlib.pyplot as plt

    from sianode.key_results import stage_key_results
    from sianode.report.html import Section, figure, paragraph, quantities_table, table

    d: EchemData = result.data
    s = result.summary
    if not s.get("supported", True) or d is None:
        return [Section("Electrochemistry", paragraph("Not simulated: " + s.get("reason", "no data")))]
    half = s["cell_kind"] == "half"
    secs = []
    intro = paragraph(
        "PyBaMM simulation of the design (one compiled model reused for every current and temperature). "
        "Open-circuit voltages are the materials stage's curves with lithiation/delithiation hysteresis "
        "(PyBaMM 'current sigmoid'); parameters and their sources are listed below.")
    secs.append(Section("Electrochemistry summary", intro + quantities_table(stage_key_results(result))
                        + paragraph(f"Model: {s['model']}.")))

    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    key = "current_A_g" if half else "current_A"
    cmap = plt.get_cmap("viridis")
    levels = sorted(d.curves[key].unique())
    for i, lv in enumerate(levels):
        c = d.curves[d.curves[key] == lv]
        for step, a in (("lithiation", ax[0]), ("delithiation", ax[1])):
            cc = c[c.step == step]
            q = cc.charge_Ah.abs() * 1e3 / (d.parameters.anode_active_mass_kg * 1e3)  # Ah -> mAh over kg -> g
            lab = f"{lv:.3g} A/g" if half else f"{lv / d.parameters.nominal_capacity_Ah:.2g}C"
            a.plot(q, cc.voltage_V, color=cmap(i / max(len(levels) - 1, 1)), label=lab)
    for a, t in zip(ax, ("lithiation" if half else "charge", "delithiation" if half else "discharge")):
        a.set_xlabel("capacity (mAh/g active)")
        a.set_ylabel("voltage (V)" + (" vs Li/Li+" if half else ""))
        a.set_title(t)
    ax[1].legend(fontsize=7)
    secs.append(Section("Voltage curves per rate", figure(fig, "voltage curves per rate")))

    rt = d.rate_table
    fig, ax = plt.subplots(figsize=(5, 3.5))
    x = rt.current_A_g if half else rt.c_rate
    ax.plot(x, rt.delithiation_capacity_mAh_g, "o-", label="delithiation (reversible)")
    ax.plot(x, rt.lithiation_capacity_mAh_g, "s--", label="lithiation")
    ax.set_xlabel("current (A/g)" if half else "C-rate")
    ax.set_ylabel("capacity (mAh/g active)")
    ax.legend()
    cols = ["current_A_g", "c_rate", "lithiation_capacity_mAh_g", "delithiation_capacity_mAh_g",
            "avg_lithiation_V", "avg_delithiation_V", "min_anode_potential_V"]
    secs.append(Section("Rate table", figure(fig, "capacity vs rate") + table(rt[cols], name="echem_rate_table")))

    pl = d.plating
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for i, c in enumerate(sorted(pl.c_rate.unique())):
        p = pl[pl.c_rate == c]
        ax.plot(p.temperature_C, p.plating_margin_V * 1000, "-", color=f"C{i}", label=f"{c:g}C")
        full = p.soc_reached >= 0.8 - 1e-3
        ax.plot(p.temperature_C[full], p.plating_margin_V[full] * 1000, "o", color=f"C{i}")
        ax.plot(p.temperature_C[~full], p.plating_margin_V[~full] * 1000, "o", mfc="white", color=f"C{i}")
        for t, m, q in zip(p.temperature_C[~full], p.plating_margin_V[~full], p.soc_reached[~full]):
            ax.annotate(f"{q:.0%}", (t, m * 1000), textcoords="offset points", xytext=(4, -10), fontsize=7,
                        color=f"C{i}")
    ax.axhline(0, color="k", lw=0.8)
    ax.set_title("filled: charged to 80 % SOC; open: could not be charged further (SOC reached)", fontsize=8)
    ax.set_xlabel("temperature (°C)")
    ax.set_ylabel("plating margin (mV vs Li/Li+)")
    ax.legend()
    body = paragraph("Minimum anode potential vs Li/Li+ at the separator during a CC lithiation to 80 % SOC, the "
                     "voltage cut-offs relaxed so that every temperature and rate is compared at equal charge "
                     "(soc_at_voltage_limit: where the normal cut-off would have stopped the CC charge); below 0 V "
                     "lithium plating is possible (seeds/000 §5, seeds/002 §3.2); runs that saturate "
                     "the particle surface stop early (soc_reached < 0.8), see soc_at_plating_onset.")
    pivot = pl.pivot(index="temperature_C", columns="c_rate", values="plating_margin_equal_charge_V").reset_index()
    pivot.columns = [str(c) if c == "temperature_C" else f"{c:g}C margin at equal charge (V)" for c in pivot.columns]
    secs.append(Section("Plating margin vs rate and temperature", body + figure(fig, "plating margin")
                        + table(pivot, name="echem_plating_margin_equal_charge")
                        + table(pl, name="echem_plating_margin")))
    secs.append(Section("Partial-SOC window (anode-tailored)", paragraph(
        "Anode cycled inside an anode-SOC window at C/2 (seeds/000 §5): delivered capacity and the Si "
        "volumetric expansion swing handed to the life stage.") + table(d.partial_soc, name="echem_partial_soc")))
    secs.append(Section("Electrochemical parameters and sources", table(P.provenance_table(d.parameters),
                                                                         name="echem_parameters")))
    return secs
