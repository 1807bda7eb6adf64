"""The mechanics stage of the chain: ``run(design, upstream) -> StageResult`` and ``report``.

For the design's Si (the Si-bearing component of a blend) it computes

* stress vs state of lithiation: first lithiation by a sharp front (c-Si two-phase / a-Si first step)
  and galvanostatic cycling of amorphous LixSi driven by a diffusion solve at the protocol C-rate,
  finite strain + plasticity (:mod:`.plasticity`) beside the linear-elastic result (:mod:`.sphere`);
* the fracture verdict: critical diameter (:mod:`.fracture`) vs the design's Si feature size
  (particle, yolk, core, porous-Si ligament, hollow-shell wall, CVD Si domain), raised by the
  confining stack pressure in solid-state cells;
* pore accommodation / pore-matching map (:mod:`.pores`), electrode swelling (:mod:`.swelling`),
  binder damage indicator (:mod:`.binder`) and, for solid electrolytes, SSE stress and contact loss
  (:mod:`sianode.solidstate.pressure`).

Requires the materials stage: ``upstream["materials"].data`` (a ``CompositeProperties``) supplies the
outward particle expansion, the envelope density, the surface area and the average voltages (SEI
potential); the coating's volume fractions come from :func:`sianode.electrode.coating.anode_geometry`.
The stage owns the critical size, the fracture verdict, the surface strain amplitude, the crack surface
and the swelling; later stages read them from ``upstream["mechanics"].data`` (:class:`MechanicsResult`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sianode.electrode.coating import anode_geometry
from sianode.electrode.loading import full_cell_loadings
from sianode.errors import InputError
from sianode.materials import lisi
from sianode.mechanics import binder_load, pores, swelling
from sianode.mechanics.electrode_swelling import swelling_parts
from sianode.mechanics.growth_surface import sei_growth_surface_m2_g
from sianode.mechanics.diffusion import galvanostatic_sphere
from sianode.mechanics.fracture import critical_diameter, front_stress
from sianode.mechanics.plasticity import plastic_sphere
from sianode.mechanics.properties import LISI, lisi_young_modulus
from sianode.mechanics.sphere import elastic_sphere_stress
from sianode.protocol import c_rate as protocol_c_rate
from sianode.results import StageResult, require

#: Earlier stages this stage reads.
REQUIRES: tuple[str, ...] = ("materials",)

# Size of the Si nanodomains in disproportionated SiOx (Hirata et al., Nat. Commun. 7 (2016) 13916: ~nm).
SIOX_SI_DOMAIN_NM = 5.0


@dataclass
class MechanicsResult:
    """Typed result read by later stages (life, cell). SI units, fractions dimensionless."""

    surface_hoop_strain_amplitude: float
    particle_volume_expansion: float
    critical_diameter_m: float
    feature_size_m: float
    feature: str
    phase: str
    fractures: bool
    fracture_margin: float
    electrode_thickness_change: float
    irreversible_swelling_per_cycle: float
    max_von_mises_Pa: float
    max_von_mises_linear_elastic_Pa: float
    confining_pressure_Pa: float
    binder_damaged: bool
    swelling_limit_check: str
    solid_state: dict | None = None
    extras: dict = field(default_factory=dict)
    crack_surface_area_m2_g: float = 0.0  # fracture surface per g of active material (0 when intact)
    sei_growth_surface_m2_g: float = 0.0  # surface that keeps growing SEI after formation (growth_surface.py)
    locked_swelling: float = 0.0  # expansion locked in by pulverisation or binder failure (thickness fraction)
    end_of_life_swelling: float = 0.0  # delithiated thickness change after protocol.cycles (electrode_swelling)
    irreversible_swelling_intact_per_cycle: float = 0.0  # the same design's rate without the crack surface


def _si_material(active):
    return active.silicon if active.family == "si_graphite" else active


def si_feature(m) -> tuple[float, str, str]:
    """(feature size in m that sets fracture, its description, Si phase) of a Si-bearing material."""
    fam = m.family
    if fam == "si_particles":
        return m.diameter_nm * 1e-9, "particle diameter", m.phase
    if fam == "porous_micro_si":
        # ligament between pores of a simple cubic pore array at the given porosity
        s = m.pore_diameter_nm * (np.pi / (6 * max(m.porosity, 1e-6))) ** (1 / 3)
        lig = max(s - m.pore_diameter_nm, 1e-3)
        size = min(lig, m.diameter_um * 1e3) if m.porosity > 0 else m.diameter_um * 1e3
        return size * 1e-9, "Si ligament between pores" if m.porosity > 0 else "particle diameter", m.phase
    if fam == "hollow":
        return 2 * (m.outer_radius_nm - m.inner_radius_nm) * 1e-9, "twice the shell wall", m.phase
    if fam == "core_shell":
        return 2 * m.core_radius_nm * 1e-9, "core diameter", m.phase
    if fam == "yolk_shell":
        return 2 * m.yolk_radius_nm * 1e-9, "yolk diameter", m.phase
    if fam == "siox":
        return SIOX_SI_DOMAIN_NM * 1e-9, "Si nanodomain in SiOx (Hirata 2016)", "amorphous"
    if fam == "cvd_si_c":
        return m.si_domain_nm * 1e-9, "Si domain in carbon pores", \
            "crystalline" if m.crystalline_fraction >= 0.5 else "amorphous"
    raise InputError(f"no Si feature for family {fam!r}", field="active.family")


def _stress_tables(radius: float, phase: str, c_rate: float, pressure: float):
    """Stress vs state of lithiation: first-lithiation front and a-LixSi cycling (plastic + linear elastic)."""
    rows = []
    fs = front_stress(phase, pressure)
    sol_front = 1 - fs.front_fraction ** 3
    for k, s in enumerate(sol_front):
        rows.append({"process": "first lithiation (front)", "model": "finite-strain plastic",
                     "state_of_lithiation": s, "surface_hoop_Pa": fs.hoop[k, -1],
                     "max_von_mises_Pa": np.max(np.abs(fs.radial[k] - fs.hoop[k])),
                     "center_hydrostatic_Pa": (fs.radial[k, 0] + 2 * fs.hoop[k, 0]) / 3})
    D = lisi.D_ASI_M2_S.value
    n = 41
    R = np.linspace(0.0, radius, n)
    E_lin = LISI["E_host_amorphous"].value
    nu = LISI["nu"].value
    for lith in (True, False):
        d = galvanostatic_sphere(radius, D, c_rate, lithiation=lith, n_r=n - 1)
        idx = np.unique(np.linspace(0, len(d.t) - 1, 25).astype(int))
        xn = np.array([np.interp(R, d.r, d.x[i]) for i in idx])
        if not lith:  # start delithiation from the fully lithiated, stress-free state
            xn = np.vstack([np.full(n, lisi.X_MAX_PRACTICAL), xn])
        res = plastic_sphere(R, xn, host="amorphous", external_pressure=pressure)
        if not lith:
            res_slice = slice(1, None)
        else:
            res_slice = slice(0, None)
        x_mean = d.x_mean[idx]
        proc = "cycling lithiation" if lith else "cycling delithiation"
        for j, (h, rr, xm) in enumerate(zip(res.hoop[res_slice], res.radial[res_slice], x_mean)):
            rows.append({"process": proc, "model": "finite-strain plastic",
                         "state_of_lithiation": xm / lisi.X_MAX_PRACTICAL, "surface_hoop_Pa": h[-1],
                         "max_von_mises_Pa": np.max(np.abs(rr - h)), "center_hydrostatic_Pa": (rr[0] + 2 * h[0]) / 3})
        # linear elastic, small strain, eigenstrain = linear strain relative to the start of the half cycle
        r_c = d.r
        eig = np.asarray(lisi.linear_strain(d.x[idx], host="amorphous"))
        if not lith:
            eig = eig - float(lisi.linear_strain(lisi.X_MAX_PRACTICAL, host="amorphous"))
        el = elastic_sphere_stress(np.concatenate([[0.0], r_c, [radius]]),
                                   np.concatenate([eig[:, :1], eig, eig[:, -1:]], axis=1), E_lin, nu)
        for j, xm in enumerate(x_mean):
            rows.append({"process": proc, "model": "linear elastic", "state_of_lithiation": xm / lisi.X_MAX_PRACTICAL,
                         "surface_hoop_Pa": el.hoop[j, -1], "max_von_mises_Pa": np.max(el.von_mises[j]),
                         "center_hydrostatic_Pa": el.hydrostatic[j, 0]})
    return pd.DataFrame(rows)


def run(design, upstream=None) -> StageResult:
    """Run the mechanics stage for a validated ``sianode.design.Design``."""
    if not hasattr(design, "active") or not hasattr(design, "electrode"):
        raise InputError("design must be a sianode.design.Design", field="design")
    props = require(upstream, "materials", "mechanics").data
    m = _si_material(design.active)
    size, feature, phase = si_feature(m)
    el_ = design.electrolyte
    solid = getattr(el_, "kind", "liquid") == "solid"
    sse = None
    if solid:
        from sianode.solidstate.electrolytes import sse_properties
        from sianode.solidstate.pressure import mean_confining_stress

        sse = sse_properties(el_)
        p_conf = mean_confining_stress(el_.stack_pressure_MPa * 1e6, sse.poisson_ratio.value)
    else:
        p_conf = 0.0
    crit = critical_diameter(phase, pressure=p_conf)
    d_c = crit.critical_diameter_m
    margin = d_c / size
    fractures = bool(size > d_c)

    c_rate = protocol_c_rate(design.protocol, props.reversible_capacity_mAh_g)
    radius = size / 2
    stress = _stress_tables(radius, phase, c_rate, p_conf)
    plastic = stress[stress.model == "finite-strain plastic"]
    linear = stress[stress.model == "linear elastic"]
    vm_max = float(plastic.max_von_mises_Pa.max())
    vm_lin = float(linear.max_von_mises_Pa.max())

    # envelope expansion at the Si utilisation of the protocol rate (materials owns both; c-rate -> 0: x_end)
    e_p = float(props.particle_expansion_at(c_rate))
    strain_amp = (1 + e_p) ** (1 / 3) - 1

    el = design.electrode
    geo = anode_geometry(design, float(props.density_g_cm3), full_cell_loadings(design, props).anode_mg_cm2)
    fr = swelling.ElectrodeFractions(active=geo.active_volume_fraction, binder=geo.binder_volume_fraction,
                                     conductive=geo.conductive_volume_fraction, porosity=geo.porosity)
    dh = float(swelling.thickness_change(fr.active, fr.porosity, e_p))
    # binder verdict (Liu et al. 2025 criterion: particle stress vs binder modulus) with the stress of the
    # elasto-plastic particle model, never an elastic stress above yield
    load = binder_load.particle_surface_stress(radius, c_rate, host=phase)
    bind = binder_load.binder_damage(load["max_surface_von_mises_Pa"], el.binder)
    sei_in = _sei_per_cycle(design, upstream, strain_amp, c_rate)
    phi_si = min(max(float(props.si_mass_frac) * float(props.density_g_cm3) / pores.RHO_SI_G_CM3, 1e-9), 1.0)
    growth_m2_g = sei_growth_surface_m2_g(design, props)  # surface that keeps growing SEI (not the BET)
    a_v = swelling.particle_surface_per_si_volume(growth_m2_g, float(props.density_g_cm3), phi_si)
    a_crack = swelling.crack_surface_per_si_volume(fractures, size, d_c)
    common = dict(active_fraction=fr.active, porosity=fr.porosity, particle_expansion=e_p, si_volume_fraction=phi_si,
                  surface_per_si_volume_m=a_v, fresh_fraction=sei_in["fresh_fraction"], wetting=sei_in["wetting"],
                  sei_thickness_per_cycle_m=sei_in["sei_thickness_per_cycle_m"], binder_failed=bind["damaged"],
                  cycles=design.protocol.cycles)
    parts = swelling_parts(crack_surface_per_si_volume_m=a_crack, fractures=fractures, **common)
    intact = swelling_parts(crack_surface_per_si_volume_m=0.0, fractures=False, **common)
    # crack surface per g of active material: a_crack x Si volume per g (electrochemically active Si)
    crack_m2_g = a_crack * float(props.si_mass_frac) / (pores.RHO_SI_G_CM3 * 1e6)
    locked = parts.pulverisation + parts.binder_failure
    cyc = swelling.swelling_over_cycles(dh, parts.sei_per_cycle, design.protocol.cycles, locked=locked)
    irr_per_cycle = float(parts.sei_per_cycle)

    solid_state = None
    if solid:
        from sianode.solidstate.pressure import confined_particle

        E_p = float(lisi_young_modulus(lisi.X_MAX_PRACTICAL, host="amorphous"))
        conf = confined_particle(strain_amp, E_p, LISI["nu"].value, sse, el_.stack_pressure_MPa * 1e6)
        solid_state = {"sse": sse.as_dict(), **conf.as_dict()}

    data = MechanicsResult(
        surface_hoop_strain_amplitude=strain_amp, particle_volume_expansion=e_p, critical_diameter_m=d_c,
        feature_size_m=size, feature=feature, phase=phase, fractures=fractures, fracture_margin=margin,
        electrode_thickness_change=dh, irreversible_swelling_per_cycle=irr_per_cycle, max_von_mises_Pa=vm_max,
        max_von_mises_linear_elastic_Pa=vm_lin, confining_pressure_Pa=p_conf, binder_damaged=bind["damaged"],
        swelling_limit_check=swelling.check_limits(dh), solid_state=solid_state,
        locked_swelling=locked, end_of_life_swelling=float(parts.delithiated), sei_growth_surface_m2_g=growth_m2_g,
        extras={"critical_size": crit.__dict__, "binder": bind, "electrode_fractions": fr.__dict__,
                "irreversible_swelling": {**sei_in, "si_volume_fraction": phi_si, "sei_surface_per_si_volume_m": a_v + a_crack,
                                          "particle_surface_per_si_volume_m": a_v,
                                          "crack_surface_per_si_volume_m": a_crack,
                                          "surface": ("particle surface + crack faces of fragments of the critical size"
                                                      if fractures else "particle (BET) surface")},
                "c_rate": c_rate, "binder_load": load, "swelling_parts": parts.as_dict()},
        crack_surface_area_m2_g=crack_m2_g, irreversible_swelling_intact_per_cycle=float(intact.sei_per_cycle))
    summary = {
        "si_feature": feature, "si_phase": phase, "si_feature_size_nm": size * 1e9,
        "critical_diameter_nm": d_c * 1e9, "fractures": fractures, "fracture_margin": margin,
        "confining_pressure_MPa": p_conf / 1e6,
        "particle_volume_expansion_pct": 100 * e_p, "surface_hoop_strain_amplitude_pct": 100 * strain_amp,
        "max_von_mises_GPa": vm_max / 1e9, "max_von_mises_linear_elastic_GPa": vm_lin / 1e9,
        "electrode_thickness_change_pct": 100 * dh, "swelling_check": data.swelling_limit_check,
        "irreversible_swelling_per_cycle_pct": 100 * irr_per_cycle,
        "crack_surface_area_m2_g": crack_m2_g, "sei_growth_surface_m2_g": growth_m2_g,
        f"thickness_change_after_{design.protocol.cycles}_cycles_pct": 100 * float(parts.delithiated),
        "swelling_sei_pct": 100 * parts.sei, "swelling_pulverisation_pct": 100 * parts.pulverisation,
        "swelling_binder_failure_pct": 100 * parts.binder_failure,
        "binder_surface_stress_GPa": load["max_surface_von_mises_Pa"] / 1e9,
        "binder_stress_to_modulus_ratio": bind["ratio"], "binder_damaged": bind["damaged"],
    }
    if solid_state:
        summary.update({"sse_hoop_stress_MPa": solid_state["sse_hoop_stress_Pa"] / 1e6,
                        "sse_contact_lost_on_delithiation": solid_state["contact_lost_on_delithiation"]})
    pm = pores.pore_matching_map()
    crit_p = pd.DataFrame([{"stack_pressure_MPa": P, **{
        f"critical_diameter_{ph}_nm": critical_diameter(ph, pressure=_conf(P, sse)).critical_diameter_m * 1e9
        for ph in ("crystalline", "amorphous")}} for P in (0.0, 100.0, 300.0)])
    tables = {
        "stress_vs_state_of_lithiation": stress,
        "swelling_vs_cycle": pd.DataFrame({k: v for k, v in cyc.items() if k != "per_cycle"}),
        "pore_matching_map": pm,
        "critical_size_vs_pressure": crit_p,
    }
    return StageResult(name="mechanics", summary=summary, tables=tables, data=data)


def _sei_per_cycle(design, upstream, strain_amp: float, c_rate: float) -> dict:
    """Fresh-surface fraction and one-cycle SEI thickness on fresh surface (interphase models, read-only).

    Same electrolyte factors and anode potential as the life stage: ``electrolytes.get(key)``, the Si
    electron-leakage factor and the mean of the average lithiation / delithiation voltages of the
    materials stage.
    """
    from sianode.interphase import breathing, calendar, electrolytes, sei

    ef = electrolytes.get(electrolytes.electrolyte_key(design.electrolyte)).values()
    ms = require(upstream, "materials", "mechanics").summary
    u = 0.5 * (float(ms["average_lithiation_voltage_V"]) + float(ms["average_delithiation_voltage_V"]))
    t_cycle = 2.0 * 3600.0 / max(c_rate, 1e-6)
    L, _ = sei.grow(0.0, t_cycle, temperature_K=design.protocol.temperature_C + 273.15, anode_potential_V=u,
                    solvent_factor=ef["solvent_factor"],
                    electron_factor=ef["electron_factor"] * float(calendar.MATERIAL_SEI_FACTORS["silicon"]))
    f = breathing.fresh_surface_fraction(strain_amp, ef["sei_fracture_area_strain"], ef["fresh_surface_wetting"])
    return {"fresh_fraction": float(f), "sei_thickness_per_cycle_m": float(L), "cycle_time_s": t_cycle,
            "anode_potential_V": u, "wetting": float(ef["fresh_surface_wetting"])}


def _conf(P_MPa, sse):
    from sianode.solidstate.pressure import mean_confining_stress

    nu = sse.poisson_ratio.value if sse is not None else 0.30  # sulfide-like layer when no SSE is given
    return mean_confining_stress(P_MPa * 1e6, nu)


def report(result: StageResult):
    """Sections: summary, stress vs state of lithiation, fracture verdict, pore-matching map, swelling."""
    import matplotlib.pyplot as plt

    from sianode.key_results import stage_key_results
    from sianode.mechanics.fracture import FRONT_PRODUCT_X
    from sianode.report.html import Section, collapsible, figure, kv_table, paragraph, quantities_table, table

    d, t = result.data, result.tables
    secs = [Section("Mechanics summary", quantities_table(stage_key_results(result)) + paragraph(
        "Stresses from the elasto-plastic LixSi law (sianode.mechanics.lisi_law); fracture from the energy release "
        "rate of a surface crack during two-phase lithiation; swelling as the sum of the particle expansion left "
        "after the pores and the electrode porosity, SEI growth, pulverisation and binder failure. "
        "See docs/mechanics.md."))]

    st = t["stress_vs_state_of_lithiation"]
    secs.append(Section("Stress vs state of lithiation", paragraph(
        "First lithiation: the two-phase front of the Si feature, finite strain with plastic flow of LixSi "
        "(flow stress 0.5–1.75 GPa depending on Li content and on tension or compression, Sethuraman et al., "
        "J. Power Sources 2010; sianode.mechanics.lisi_law). Cycling: diffusion-induced stress in amorphous LixSi at "
        "the protocol's rate; solid lines elasto-plastic, dashed small-strain linear elasticity (what many papers "
        "report; it overstates stress at large volume change). Cycling stresses scale with the feature size "
        "squared, so they are tiny in nano-sized Si; each panel has its own scale.") + _stress_figure(st)))

    verdict = "FRACTURES" if d.fractures else "does not fracture"
    cls = "fail" if d.fractures else "pass"
    cp = t["critical_size_vs_pressure"]
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for ph in ("crystalline", "amorphous"):
        ax.plot(cp.stack_pressure_MPa, cp[f"critical_diameter_{ph}_nm"], "o-", label=f"{ph} Si")
    ax.axhline(d.feature_size_m * 1e9, color="k", ls=":", label=f"design: {d.feature}")
    ax.set_xlabel("stack pressure (MPa)"); ax.set_ylabel("critical diameter (nm)"); ax.set_yscale("log"); ax.legend()
    body = (f"<p class='{cls}'><b>{d.phase} Si, {d.feature} {d.feature_size_m * 1e9:.3g} nm: {verdict}</b> "
            f"(critical diameter {d.critical_diameter_m * 1e9:.3g} nm, margin critical/actual = {d.fracture_margin:.3g}).</p>"
            + paragraph("Critical size: energy release rate of a surface crack in the hoop-stress field of two-phase "
                        "lithiation vs the fracture energy of the lithiated shell, "
                        f"{d.extras['critical_size'].get('fracture_energy', float('nan')):.3g} J/m2 for the "
                        f"Li{FRONT_PRODUCT_X.get(d.phase, (float('nan'),))[0]:.3g}Si shell of {d.phase} Si (the LixSi law "
                        "interpolates Pharr, Suo & Vlassak, Nano Lett. 2013: 8.5 J/m2 at Li0.7Si, 6.15 J/m2 at "
                        "Li2.8Si; docs/mechanics.md). Observed: ~150 nm for c-Si (Liu et al., ACS Nano 2012), "
                        "intact up to 870 nm for a-Si (McDowell et al., Nano Lett. 2013).")
            + figure(fig) + table(cp, name="mechanics_critical_size_vs_pressure"))
    secs.append(Section("Fracture verdict", body))

    pm = t["pore_matching_map"]
    W = np.sort(pm.si_wt_frac.unique()); PV = np.sort(pm.pore_volume_cm3_g.unique())
    Z = pm.pivot(index="pore_volume_cm3_g", columns="si_wt_frac", values="outward_expansion").loc[PV, W].to_numpy()
    fig, ax = plt.subplots(figsize=(6, 4.2))
    cs = ax.pcolormesh(W, PV, 100 * Z, shading="auto", cmap="viridis")
    fig.colorbar(cs, label="outward particle expansion at Li3.75Si (%)")
    ax.plot(W, pores.matching_pore_volume(W), "w--", label="pore volume matched to lithiated Si")
    ax.plot(W, W / pores.RHO_SI_G_CM3 / (1 - W), "r:", label="Si fills pores at deposition")
    ax.set_ylim(PV.min(), PV.max()); ax.set_xlabel("Si mass fraction"); ax.set_ylabel("scaffold pore volume (cm3/g C)")
    ax.legend(fontsize=7, loc="upper left")
    text = paragraph(
        "CVD Si–C: outward expansion when the lithiated Si overfills the scaffold pores (Energy Environ. Sci. 2025 "
        "CVD Si–C perspective, §4.1.3). "
        "Below the red line the Si does not fit; above the white line the pores absorb the full expansion.")
    if d.feature == "Si domain in carbon pores":  # the Si feature of a cvd_si_c design: its own design rule
        secs.append(Section("Pore-matching map", text + figure(fig)))
    else:  # a design rule of another family: available, not in the way
        secs.append(Section("Pore-matching map", collapsible(
            "design map for CVD Si–C in porous carbon, not this design's family (click to show)", text + figure(fig))))

    sw = t["swelling_vs_cycle"]
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    ax.plot(sw.cycle, 100 * sw.lithiated_thickness_change, label="lithiated")
    ax.plot(sw.cycle, 100 * sw.delithiated_thickness_change, label="delithiated (irreversible)")
    ax.axhline(70, color="r", ls=":", label="70 % limit"); ax.axhline(30, color="orange", ls=":", label="30 % preferred")
    ax.set_xlabel("cycle"); ax.set_ylabel("electrode thickness change (%)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the axes, clear of the limit lines
    extra = ""
    if d.solid_state:
        ss = {k: v for k, v in d.solid_state.items() if k != "sse"}
        extra = kv_table(ss, caption="Solid-state confinement")
    secs.append(Section("Electrode swelling", paragraph(
        f"Thickness change at full lithiation {100 * d.electrode_thickness_change:.3g} % ({d.swelling_limit_check}); "
        f"irreversible growth {100 * d.irreversible_swelling_per_cycle:.3g} % per cycle (SEI accumulated on fresh surface; "
        "fragments of the critical size when particles fracture, see docs).")
        + figure(fig) + extra))
    return secs


def _stress_figure(st) -> str:
    """Stress vs state of lithiation on linear axes, one panel per process, each in its own unit (GPa for the
    first-lithiation front, MPa or kPa for cycling) so that no curve is drawn as a flat zero."""
    import matplotlib.pyplot as plt

    from sianode.report.html import figure

    first = st[st.process.str.startswith("first")]
    cyc = st[~st.process.str.startswith("first")]
    panels = ([("first lithiation (two-phase front)", first)] if len(first) else []) + (
        [("cycling: surface hoop stress", cyc), ("cycling: max von Mises stress", cyc)] if len(cyc) else [])
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.0), squeeze=False)
    for ax, (title, g) in zip(axes[0], panels):
        cols = (["surface_hoop_Pa", "max_von_mises_Pa"] if title.startswith("first") else
                ["surface_hoop_Pa"] if "hoop" in title else ["max_von_mises_Pa"])
        peak = float(np.nanmax(np.abs(g[cols].to_numpy()))) if len(g) else 0.0
        scale, unit = (1e9, "GPa") if peak >= 0.1e9 else (1e6, "MPa") if peak >= 0.1e6 else (1e3, "kPa")
        for (proc, model), gg in g.groupby(["process", "model"], sort=False):
            ls = "--" if model.startswith("linear") else "-"
            for c in cols:
                what = "hoop" if "hoop" in c else "von Mises"
                lab = (what if title.startswith("first") else
                       f"{proc.replace('cycling ', '')}, {'elastic' if ls == '--' else 'plastic'}")
                ax.plot(gg.state_of_lithiation, gg[c] / scale, ls, label=lab)
        ax.axhline(0, color="k", lw=0.6)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("state of lithiation")
        ax.set_ylabel(f"stress ({unit})")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return figure(fig, "stress vs state of lithiation")
