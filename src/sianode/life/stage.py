"""The life stage of the chain: cycle life of a design (capacity, CE, LLI, LAM, SEI vs cycle).

``run(design, upstream)`` reads the materials stage (reversible capacity, ICE, surface area,
particle expansion, average voltages) and the mechanics stage (surface hoop strain amplitude,
volume expansion, fracture) from ``upstream``; if they are missing it runs the materials stage
itself, and without mechanics it falls back to the free isotropic strain of the particle
envelope ``(1 + particle_expansion)^(1/3) - 1`` and the critical diameter of seeds/004 §2.1
(the summary says which source was used). Parameters the design schema does not (yet) carry
-- E/C ratio, anode SOC cap, rest time, storage conditions -- are keyword options with
defaults and sources (:data:`OPTION_DEFAULTS`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.interphase import calendar, electrolytes, sei
from sianode.life import fade, knee, lam
from sianode.provenance import Parameter
from sianode.results import StageResult

#: Options not in the design schema (yet), with their sources.
OPTION_DEFAULTS: dict[str, Parameter] = {
    "ec_ratio_g_Ah_full": Parameter(3.0, "g/Ah", "seeds/003 §4.3: test full cells with realistic (lean) E/C; "
                                    "~3 g/Ah is a typical lab pouch cell", "assumed design value"),
    "ec_ratio_g_Ah_half": Parameter(40.0, "g/Ah", "flooded coin half cell (~70 uL electrolyte on ~2 mAh)",
                                    "assumed design value"),
    "ec_min_g_Ah": Parameter(1.0, "g/Ah", "electrolyte needed to fill electrode and separator pores "
                             "(~1 g/Ah for 3-4 mAh/cm2 stacks)", "assumed"),
    "soc_max": Parameter(1.0, "1", "full anode window; < 1 for an anode-tailored partial-SOC design (seeds/000 §5)"),
    "rest_h": Parameter(0.0, "h", "no rest between cycles"),
    "storage_days": Parameter(30.0, "d", "calendar-ageing table: one month"),
    "storage_temperatures_C": Parameter(float("nan"), "°C", "25 and 60 °C (high-temperature storage, seeds/000 §3)"),
}

#: Mean cathode voltage vs Li/Li+ (for energy per cycle).
CATHODE_VOLTAGE_V: dict[str, Parameter] = {
    k: Parameter(v, "V", "Nitta, Wu, Lee & Yushin, Materials Today 18 (2015) 252, average potentials")
    for k, v in {"NCM811": 3.7, "NCM622": 3.7, "NCM523": 3.7, "NCA": 3.7, "LFP": 3.4, "LCO": 3.8, "LMO": 4.1}.items()
}

CRITICAL_DIAMETER_NM = Parameter(150.0, "nm", "seeds/004 §2.1: Si particles below ~150 nm neither crack nor pulverize")


def _get(obj, name, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _si_material(active):
    return active.silicon if getattr(active, "family", "") == "si_graphite" else active


def _diffusion_radius_m(active) -> float:
    """Diffusion length (m) in the Si of the design (used for the rate-induced surface overshoot)."""
    m = _si_material(active)
    fam = m.family
    if fam == "si_particles":
        r = m.diameter_nm / 2
    elif fam == "hollow":
        r = m.outer_radius_nm - m.inner_radius_nm
    elif fam == "core_shell":
        r = m.core_radius_nm
    elif fam == "yolk_shell":
        r = m.yolk_radius_nm
    elif fam == "cvd_si_c":
        r = m.si_domain_nm / 2
    elif fam == "porous_micro_si":
        # half the Si wall between pores: wall ~ pore diameter * (1 - p) / p
        r = 0.5 * m.pore_diameter_nm * (1 - m.porosity) / max(m.porosity, 1e-3)
    else:  # siox: Li diffuses through the micron particle
        r = m.outer_radius_nm
    return float(r) * 1e-9


def _full_charge_potential(mat) -> float:
    """Relaxed anode potential at full charge: mean a-Si branch at the end-of-lithiation x (materials)."""
    from sianode.materials import voltage

    x_end = float(getattr(mat, "x_end", 3.75))
    return float(voltage.ocv_mean_V(0.98 * x_end))


def _si_size_nm(active) -> float:
    """Size of the Si that must not crack (particle diameter or twice the diffusion length)."""
    m = _si_material(active)
    return float(m.diameter_nm) if m.family == "si_particles" else 2e9 * _diffusion_radius_m(m)


def _materials(design, upstream):
    res = (upstream or {}).get("materials")
    if res is None:
        from sianode.materials import stage as mstage

        res = mstage.run(design, {})
    return res


def _mechanics(design, upstream, mres=None):
    res = (upstream or {}).get("mechanics")
    if res is not None:
        return res, "mechanics stage (upstream)"
    try:
        from sianode.mechanics import stage as kstage
    except ImportError:
        return None, "fallback: free envelope strain (mechanics stage not installed)"
    try:
        up = dict(upstream or {})
        if mres is not None:
            up.setdefault("materials", mres)
        return kstage.run(design, up), "mechanics stage (run by life)"
    except Exception as e:  # noqa: BLE001 - mechanics failure must not kill life; say so
        return None, f"fallback: free envelope strain (mechanics stage failed: {e})"


def inputs_from_design(design, upstream=None, soc_max: float | None = None, ec_ratio_g_Ah: float | None = None,
                       ec_min_g_Ah: float | None = None, rest_h: float | None = None,
                       temperature_C: float | None = None, c_rate: float | None = None):
    """Build :class:`~sianode.life.fade.LifeInputs` for a design; returns ``(inputs, info)``."""
    if not hasattr(design, "active") or not hasattr(design, "cell"):
        raise InputError("design must be a sianode.design.Design", field="design")
    mres = _materials(design, upstream)
    mat = mres.data
    ms = mres.summary
    kres, mech_src = _mechanics(design, upstream, mres)
    kd = None if kres is None else kres.data
    full = design.cell.kind == "full"
    q = float(mat.reversible_capacity_mAh_g)
    ice = float(mat.ice)
    expansion = float(_get(kd, "particle_volume_expansion", mat.particle_expansion))
    strain = _get(kd, "surface_hoop_strain_amplitude", None)
    if strain is None:
        strain = (1.0 + max(float(mat.particle_expansion), 0.0)) ** (1 / 3) - 1.0
        mech_src = mech_src if kres is None else "fallback: free envelope strain (mechanics gave no strain amplitude)"
    fractures = _get(kd, "fractures", None)
    if fractures is None:
        fractures = _si_size_nm(design.active) > float(CRITICAL_DIAMETER_NM)
    el_key = electrolytes.electrolyte_key(design.electrolyte)
    ef = electrolytes.get(el_key).values()
    pr = design.protocol
    if c_rate is None:
        c_rate = pr.c_rate if pr.c_rate is not None else (pr.current_A_g * 1000.0 / q if pr.current_A_g else 0.1)
    np_ratio = design.cell.np_ratio * (ice if design.cell.np_basis == "first_lithiation" else 1.0)
    from sianode.cell.loading import full_cell_loadings

    loads = full_cell_loadings(design, mat)  # full cells: the shared N/P rule (sianode.cell.loading)
    loading_g_cm2 = loads.anode_mg_cm2 * 1e-3
    pre = design.cell.prelithiation
    qirr = q * (1 / ice - 1)
    if pre.method == "none":
        dose = 0.0
    elif pre.dose_mAh_cm2 == "auto":
        dose = qirr
    else:
        dose = float(pre.dose_mAh_cm2) / loading_g_cm2
    if dose >= q / ice:
        raise InputError(
            f"prelithiation dose {dose * loading_g_cm2:.3g} mAh/cm2 fills the whole anode (first-lithiation "
            f"capacity {q / ice * loading_g_cm2:.3g} mAh/cm2 at {loads.anode_mg_cm2:.4g} mg/cm2 anode loading); "
            "give a smaller dose or 'auto'", field="cell.prelithiation.dose_mAh_cm2")
    u_lith = float(ms.get("average_lithiation_voltage_V", 0.25))
    u_delith = float(ms.get("average_delithiation_voltage_V", 0.45))
    ec = ec_ratio_g_Ah if ec_ratio_g_Ah is not None else float(
        OPTION_DEFAULTS["ec_ratio_g_Ah_full" if full else "ec_ratio_g_Ah_half"])
    if ec_ratio_g_Ah is None and design.cell.ec_ratio_g_Ah is not None:
        ec = float(design.cell.ec_ratio_g_Ah)
    if soc_max is None:
        soc_max = float(design.protocol.anode_soc_max)
    if rest_h is None:
        rest_h = float(design.protocol.rest_h)
    from sianode.materials import lisi

    inp = fade.LifeInputs(
        full_cell=1.0 if full else 0.0, capacity_mAh_g=q, ice=ice, np_ratio=np_ratio, prelithiation_mAh_g=dose,
        soc_max=float(OPTION_DEFAULTS["soc_max"]) if soc_max is None else soc_max,
        c_rate=c_rate, rest_h=float(OPTION_DEFAULTS["rest_h"]) if rest_h is None else rest_h,
        temperature_K=(pr.temperature_C if temperature_C is None else temperature_C) + 273.15,
        surface_area_m2_g=float(mat.specific_surface_area_m2_g), strain_amplitude=float(strain),
        volumetric_expansion=max(expansion, 1e-9), particle_radius_m=_diffusion_radius_m(design.active),
        diffusivity_m2_s=float(lisi.D_ASI_M2_S), anode_potential_V=0.5 * (u_lith + u_delith),
        electron_factor=ef["electron_factor"] * float(calendar.MATERIAL_SEI_FACTORS["silicon"]),
        solvent_factor=ef["solvent_factor"], sei_fracture_area_strain=ef["sei_fracture_area_strain"],
        fresh_surface_wetting=ef["fresh_surface_wetting"], fractures=1.0 if bool(fractures) else 0.0,
        binder_strain=lam.binder_strain(design.electrode.binder), ec_ratio_g_Ah=ec,
        ec_min_g_Ah=float(OPTION_DEFAULTS["ec_min_g_Ah"]) if ec_min_g_Ah is None else ec_min_g_Ah,
        cathode_voltage_V=float(CATHODE_VOLTAGE_V[design.cell.cathode]), anode_delithiation_voltage_V=u_delith,
    )
    info = {"electrolyte": el_key, "mechanics_source": mech_src, "materials": mres, "loading_g_cm2": loading_g_cm2,
            "anode_loading_mg_cm2": loads.anode_mg_cm2, "cathode_loading_mg_cm2": loads.cathode_mg_cm2,
            "loading_note": loads.note,
            "u_anode_V": 0.5 * (u_lith + u_delith), "u_full_V": _full_charge_potential(mat)}
    return inp, info


def run(design, upstream=None, cycles: int | None = None, progress=None, **options) -> StageResult:
    """Run the life stage. ``cycles`` defaults to ``design.protocol.cycles``; options: see
    :func:`inputs_from_design` (``soc_max``, ``ec_ratio_g_Ah``, ``ec_min_g_Ah``, ``rest_h``,
    ``temperature_C``, ``c_rate``)."""
    inp, info = inputs_from_design(design, upstream, **options)
    n_cyc = int(design.protocol.cycles if cycles is None else cycles)
    traj = fade.simulate(inp, n_cyc, progress=progress)
    df = fade.to_frame(traj).drop(columns=["design"])
    df["sei_thickness_nm"] = df["sei_thickness_m"] * 1e9
    area_per_m2 = inp.surface_area_m2_g * info["loading_g_cm2"] * 1e4  # m2 particle surface per m2 electrode
    df["r_sei_ohm_cm2"] = df["r_sei_ohm_m2"] / area_per_m2 * 1e4
    ret = traj["retention"]
    c80 = float(fade.cycles_to_retention(ret, 0.8)[0])
    kn = float(knee.knee_point(ret[:, 0])) if n_cyc >= 11 else float("nan")
    a = inp.arrays()
    regime = str(sei.regime(a["solvent_diffusivity"] * a["solvent_factor"], a["solvent_concentration"],
                            a["electron_conductivity"] * a["electron_factor"], a["anode_potential_V"], a["sei_ocp"])[0])
    ce = traj["ce"][:, 0]
    summary = {
        "cell_kind": design.cell.kind, "cycles": n_cyc, "electrolyte_model": info["electrolyte"],
        "strain_source": info["mechanics_source"], "sei_regime": regime,
        "initial_capacity_mAh_g": float(traj["capacity_mAh_g"][0, 0]),
        "final_capacity_mAh_g": float(traj["capacity_mAh_g"][-1, 0]),
        "final_retention_pct": float(100 * ret[-1, 0]),
        "cycles_to_80pct": c80, "knee_cycle": kn,
        "first_cycle_ce_pct_after_formation": float(100 * ce[0]), "final_ce_pct": float(100 * ce[-1]),
        "mean_ce_pct": float(100 * np.nanmean(ce)),
        "lli_mAh_g": float(traj["lli_mAh_g"][-1, 0]), "lam_pct": float(100 * traj["lam"][-1, 0]),
        "sei_thickness_nm": float(traj["sei_thickness_m"][-1, 0] * 1e9),
        "r_sei_ohm_cm2": float(df["r_sei_ohm_cm2"].iloc[-1]),
        "strain_amplitude_first_cycle": float(traj["strain_amplitude"][0, 0]),
        "fresh_surface_fraction_first_cycle": float(traj["fresh_fraction"][0, 0]),
        "electrolyte_remaining_pct": float(100 * traj["electrolyte_remaining"][-1, 0]),
        "fractures": bool(a["fractures"][0] > 0.5),
        "anode_loading_mg_cm2": float(info["anode_loading_mg_cm2"]),
    }
    if info["cathode_loading_mg_cm2"] is not None:
        summary["cathode_loading_mg_cm2"] = float(info["cathode_loading_mg_cm2"])
    if design.cell.kind == "full":
        summary["final_energy_mWh_g"] = float(traj["energy_mWh_g"][-1, 0])
    params = pd.DataFrame([{"name": k, "value": float(v[0])} for k, v in a.items()])
    tables = {"cycles": df, "inputs": params, "calendar": calendar_table(inp, info)}
    return StageResult(name="life", summary=summary, tables=tables, data={"inputs": inp, "trajectories": traj})


def calendar_table(inp: fade.LifeInputs, info: dict, days: float | None = None) -> pd.DataFrame:
    """Storage at full charge, 25 and 60 °C, Si vs graphite SEI (seeds/000 §3)."""
    a = inp.arrays()
    days = float(OPTION_DEFAULTS["storage_days"]) if days is None else days
    frames = []
    ef = {"solvent_factor": float(a["solvent_factor"][0]),
          "electron_factor": float(a["electron_factor"][0]) / float(calendar.MATERIAL_SEI_FACTORS["silicon"])}
    for material in ("silicon", "graphite"):
        for t_c in (25.0, 60.0):
            df = calendar.storage(days, 1.0, t_c, info["u_full_V"], float(a["surface_area_m2_g"][0]),
                                  float(a["capacity_mAh_g"][0]), material=material, electrolyte_factors=ef, n_steps=60)
            df["material"] = material
            frames.append(df)
    return pd.concat(frames, ignore_index=True)


def report(result: StageResult):
    """Sections: summary, capacity/CE/LLI/LAM/SEI vs cycle with knee and 80 % line, calendar ageing."""
    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, kv_table, paragraph, table

    s = result.summary
    df = result.tables["cycles"]
    secs = [Section("Cycle life summary", kv_table(s, "life stage") + paragraph(
        "Fade model of sianode.life.fade: SEI growth (solvent diffusion + electron leakage, Arrhenius), "
        "breathing on the strained Si surface, loss of active material (fracture, SEI isolation, binder "
        "fatigue, dry-out) and the lithium inventory of the cell. See docs/life.md."))]
    fig, ax = plt.subplots(2, 3, figsize=(13, 7))
    c = df["cycle"]
    ax[0, 0].plot(c, df["capacity_mAh_g"])
    ax[0, 0].set_ylabel("discharge capacity (mAh/g)")
    if np.isfinite(s.get("knee_cycle", np.nan)):
        ax[0, 0].axvline(s["knee_cycle"], color="r", ls="--", label="knee")
    if np.isfinite(s.get("cycles_to_80pct", np.nan)):
        ax[0, 0].axvline(s["cycles_to_80pct"], color="k", ls=":", label="80 %")
    ax[0, 0].legend(loc="best")
    ax[0, 1].plot(c, 100 * df["ce"])
    ax[0, 1].set_ylabel("coulombic efficiency (%)")
    ax[0, 2].plot(c, df["lli_mAh_g"])
    ax[0, 2].set_ylabel("lithium lost, LLI (mAh/g)")
    ax[1, 0].plot(c, 100 * df["lam"])
    ax[1, 0].set_ylabel("loss of active material (%)")
    ax[1, 1].plot(c, df["sei_thickness_nm"], label="total")
    ax[1, 1].plot(c, df["passivating_sei_m"] * 1e9, label="passivating")
    ax[1, 1].set_ylabel("SEI thickness (nm)")
    ax[1, 1].legend()
    ax[1, 2].plot(c, df["r_sei_ohm_cm2"])
    ax[1, 2].set_ylabel("R_SEI (ohm cm2)")
    for a_ in ax.flat:
        a_.set_xlabel("cycle")
    fig.tight_layout()
    secs.append(Section("Capacity, CE, LLI, LAM and SEI vs cycle", figure(fig, "life trajectories")
                        + table(df[["cycle", "capacity_mAh_g", "ce", "lli_mAh_g", "lam", "sei_thickness_nm",
                                    "r_sei_ohm_cm2", "soc_lo", "soc_hi"]].iloc[:: max(1, len(df) // 40)])))
    cal = result.tables.get("calendar")
    if cal is not None and len(cal):
        fig, ax = plt.subplots(figsize=(6, 4))
        for (mat, t), g in cal.groupby(["material", "temperature_C"]):
            ax.plot(g["day"], g["lli_pct"], label=f"{mat}, {t:g} °C")
        ax.set_xlabel("storage time (days)")
        ax.set_ylabel("lithium lost (% of capacity)")
        ax.legend()
        secs.append(Section("Calendar ageing at full charge", figure(fig, "calendar ageing") + paragraph(
            "SEI growth at rest (electron leakage grows at low anode potential; Arrhenius). Si SEI leaks more "
            "electrons than graphite SEI (seeds/000 §3).")))
    return secs
