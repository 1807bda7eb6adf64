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
potential); the coating's volume fractions from the anode geometry the materials stage stored in the data's
``extras["anode_geometry"]`` (:func:`sianode.electrode.coating.anode_geometry`).
The stage owns the critical size, the fracture verdict, the surface strain amplitude, the crack surface
and the swelling; later stages read them from ``upstream["mechanics"].data`` (:class:`MechanicsResult`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from sianode.electrode.coating import anode_geometry
from sianode.errors import InputError
from sianode.materials import lisi
from sianode.materials.composites import particle_expansions_at
from sianode.mechanics import binder_load, pores, swelling
from sianode.mechanics.electrode_swelling import swelling_parts
from sianode.mechanics.growth_surface import sei_growth_surface_m2_g
from sianode.mechanics.cycling_stress import cycling_stress, dimensionless_rate
from sianode.mechanics.fracture import critical_diameter, front_stress
from sianode.mechanics.properties import LISI, lisi_young_modulus
from sianode.protocol import c_rate as protocol_c_rate
from sianode.results import StageResult, batch_rows, batch_summaries, check_batch, require

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


@lru_cache(maxsize=64)
def _front_table(phase: str, pressure: float) -> tuple[dict, ...]:
    """Rows of the first-lithiation front stress (scale free: one cached solve per phase and pressure)."""
    fs = front_stress(phase, pressure)
    sol_front = 1 - fs.front_fraction ** 3
    return tuple({"process": "first lithiation (front)", "model": "finite-strain plastic",
                  "state_of_lithiation": s, "surface_hoop_Pa": fs.hoop[k, -1],
                  "max_von_mises_Pa": np.max(np.abs(fs.radial[k] - fs.hoop[k])),
                  "center_hydrostatic_Pa": (fs.radial[k, 0] + 2 * fs.hoop[k, 0]) / 3} for k, s in enumerate(sol_front))


def _stress_tables(radius: float, phase: str, c_rate: float, pressure: float):
    """Stress vs state of lithiation: first-lithiation front and a-LixSi cycling (plastic + linear elastic)."""
    fr = cycling_stress(dimensionless_rate(radius, c_rate), "amorphous", pressure)
    return pd.DataFrame(list(_front_table(phase, float(pressure))) + fr.rows(0))


#: The per-design inputs of :func:`_si_inputs`, in the order of its rows.
_INPUTS = ("size", "feature", "phase", "sse", "p_conf", "c_rate", "density", "si_mass_frac", "fr", "growth_m2_g",
           "binder", "cycles", "T_K", "u_V", "ef")


def _si_inputs(designs, props, upstreams) -> dict[str, list]:
    """Per-design inputs the mechanics physics needs (geometry rules and earlier stages' results), one list over
    the designs per input (:data:`_INPUTS`, and ``e_p``: the envelope expansion at the protocol rate, for the whole
    batch in one array call)."""
    from sianode.interphase import electrolytes

    factors: dict = {}  # electrolyte factors by electrolyte key (one look-up per kind in the batch)
    of_electrolyte: dict = {}  # (electrolyte, its factors) by id: the designs of a sweep share one electrolyte
    rows = []
    for design, props_, upstream in zip(designs, props, upstreams):
        if not hasattr(design, "active") or not hasattr(design, "electrode"):
            raise InputError("design must be a sianode.design.Design", field="design")
        m = _si_material(design.active)
        size, feature, phase = si_feature(m)
        el_ = design.electrolyte
        sse, p_conf = None, 0.0
        if getattr(el_, "kind", "liquid") == "solid":
            from sianode.solidstate.electrolytes import sse_properties
            from sianode.solidstate.pressure import mean_confining_stress

            sse = sse_properties(el_)
            p_conf = mean_confining_stress(el_.stack_pressure_MPa * 1e6, sse.poisson_ratio.value)
        ms = require(upstream, "materials", "mechanics").summary
        # the coating geometry the materials stage computed (at its reported loading and envelope density);
        # a CompositeProperties made outside that stage has none: the same owner computes it here
        geo = props_.extras.get("anode_geometry")
        if geo is None:
            geo = anode_geometry(design, float(props_.density_g_cm3), ms["anode_loading_mg_cm2"])
        c_rate = protocol_c_rate(design.protocol, props_.reversible_capacity_mAh_g)
        if id(el_) not in of_electrolyte:  # (the electrolyte is kept with its factors, so its id stays its own)
            key = electrolytes.electrolyte_key(el_)
            if key not in factors:
                factors[key] = electrolytes.get(key).values()
            of_electrolyte[id(el_)] = (el_, factors[key])
        rows.append((
            size, feature, phase, sse, float(p_conf), c_rate, float(props_.density_g_cm3), float(props_.si_mass_frac),
            swelling.ElectrodeFractions(active=geo.active_volume_fraction, binder=geo.binder_volume_fraction,
                                        conductive=geo.conductive_volume_fraction, porosity=geo.porosity),
            sei_growth_surface_m2_g(design, props_), design.electrode.binder, design.protocol.cycles,
            design.protocol.temperature_C + 273.15,
            0.5 * (float(ms["average_lithiation_voltage_V"]) + float(ms["average_delithiation_voltage_V"])),
            of_electrolyte[id(el_)][1]))
    out = dict(zip(_INPUTS, map(list, zip(*rows))))
    # envelope expansion at the Si utilisation of the protocol rate (materials owns both; c-rate -> 0: x_end)
    out["e_p"] = particle_expansions_at(props, out["c_rate"])
    return out


def run(design, upstream=None) -> StageResult:
    """Run the mechanics stage for a validated ``sianode.design.Design``: a batch of one (:func:`run_batch`)."""
    return run_batch([design], [upstream])[0]


def run_batch(designs, upstreams, *, tables: bool = True) -> list[StageResult]:
    """The mechanics stage for many designs at once; ``run`` is this with one design (one implementation).

    ``upstreams[i]`` is the ``upstream`` mapping of ``designs[i]`` (its materials result). The per-design
    inputs are gathered in a loop (design objects, the foundation's geometry rules); the physics runs on
    arrays: critical sizes (one cached solve per phase and confining pressure), the cycling stress of the
    particle (one master-curve look-up for all unconfined designs, :mod:`.cycling_stress`), SEI per cycle,
    fresh surface and swelling. ``tables=False`` skips the tidy tables (what a sweep does; the summary and
    ``data`` are the same). Raises on the first invalid design (a sweep falls back to one design at a time).
    """
    from sianode.interphase import breathing, sei

    check_batch(designs, upstreams)
    if not designs:
        return []
    from sianode.interphase import calendar

    props = [require(u, "materials", "mechanics").data for u in upstreams]
    inp = _si_inputs(designs, props, upstreams)

    def col(key, dtype=float):
        return np.array(inp[key], dtype=dtype)

    size, c_rate, p_conf, e_p = col("size"), col("c_rate"), col("p_conf"), inp["e_p"]
    phases = inp["phase"]
    crit_of: dict = {}  # one critical size per phase and confining pressure (each design gets its own dict of it)
    for key in zip(phases, p_conf.tolist()):
        if key not in crit_of:
            crit_of[key] = critical_diameter(key[0], pressure=key[1])
    crit = [crit_of[key] for key in zip(phases, p_conf.tolist())]
    d_c = np.array([c.critical_diameter_m for c in crit])
    margin = d_c / size
    fractures = size > d_c
    radius = size / 2

    # particle stress over one a-LixSi cycle: every design unconfined in one look-up (the binder load's cycle and
    # the unconfined designs' own), the confined ones solved per pressure
    beta = dimensionless_rate(radius, c_rate)
    cyc = cycling_stress(beta, "amorphous")
    frames = [(cyc, n) for n in range(len(designs))]
    vm_cyc, vm_lin = cyc.max_von_mises_Pa, cyc.max_von_mises_linear_Pa  # largest von Mises over the cycle
    for n in np.flatnonzero(p_conf != 0.0):
        frames[n] = (cycling_stress(beta[n], "amorphous", p_conf[n]), 0)
        vm_cyc[n], vm_lin[n] = frames[n][0].max_von_mises_Pa[0], frames[n][0].max_von_mises_linear_Pa[0]
    front = {key: max(r["max_von_mises_Pa"] for r in _front_table(*key)) for key in set(zip(phases, p_conf.tolist()))}
    vm_front = np.array([front[key] for key in zip(phases, p_conf.tolist())])
    vm_max = np.maximum(vm_front, vm_cyc)
    # binder verdict (Liu et al. 2025 criterion: particle stress vs binder modulus) with the stress of the
    # elasto-plastic particle model on an unconfined a-LixSi cycle (binder_load), never an elastic stress above yield
    load = binder_load.surface_stress(cyc, beta.shape)  # (binder_load.particle_surface_stress of radius, c_rate)
    bind = [binder_load.binder_damage(s, b) for s, b in zip(load["max_surface_von_mises_Pa"], inp["binder"])]
    damaged = np.array([b["damaged"] for b in bind])

    strain_amp = (1 + e_p) ** (1 / 3) - 1
    fa = np.array([f.active for f in inp["fr"]])
    eps = np.array([f.porosity for f in inp["fr"]])
    dh = swelling.thickness_change(fa, eps, e_p)
    # SEI per cycle on fresh surface: same electrolyte factors and anode potential as the life stage
    ef = {k: np.array([e[k] for e in inp["ef"]]) for k in inp["ef"][0]}
    t_cycle = 2.0 * 3600.0 / np.maximum(c_rate, 1e-6)
    L, _ = sei.grow(0.0, t_cycle, temperature_K=col("T_K"), anode_potential_V=col("u_V"),
                    solvent_factor=ef["solvent_factor"],
                    electron_factor=ef["electron_factor"] * float(calendar.MATERIAL_SEI_FACTORS["silicon"]))
    fresh = breathing.fresh_surface_fraction(strain_amp, ef["sei_fracture_area_strain"], ef["fresh_surface_wetting"])
    phi_si = np.minimum(np.maximum(col("si_mass_frac") * col("density") / pores.RHO_SI_G_CM3, 1e-9), 1.0)
    growth_m2_g = col("growth_m2_g")
    a_v = swelling.particle_surface_per_si_volume(growth_m2_g, col("density"), phi_si)
    a_crack = swelling.crack_surface_per_si_volume(fractures, size, d_c)
    cycles = col("cycles", int)
    common = dict(active_fraction=fa, porosity=eps, particle_expansion=e_p, si_volume_fraction=phi_si,
                  surface_per_si_volume_m=a_v, fresh_fraction=fresh, wetting=ef["fresh_surface_wetting"],
                  sei_thickness_per_cycle_m=L, binder_failed=damaged, cycles=cycles)
    parts = swelling_parts(crack_surface_per_si_volume_m=a_crack, fractures=fractures, **common)
    intact = swelling_parts(crack_surface_per_si_volume_m=np.zeros_like(a_crack),
                            fractures=np.zeros_like(fractures), **common)
    # crack surface per g of active material: a_crack x Si volume per g (electrochemically active Si)
    crack_m2_g = a_crack * col("si_mass_frac") / (pores.RHO_SI_G_CM3 * 1e6)

    # every per-design number as a Python float (one conversion per batch), then the results design by design
    n = len(designs)
    check = [swelling.check_limits(x) for x in dh.tolist()]
    head = {
        "si_feature": inp["feature"], "si_phase": inp["phase"], "si_feature_size_nm": size * 1e9,
        "critical_diameter_nm": d_c * 1e9, "fractures": fractures, "fracture_margin": margin,
        "confining_pressure_MPa": p_conf / 1e6,
        "particle_volume_expansion_pct": 100 * e_p, "surface_hoop_strain_amplitude_pct": 100 * strain_amp,
        "max_von_mises_GPa": vm_max / 1e9, "max_von_mises_linear_elastic_GPa": vm_lin / 1e9,
        "electrode_thickness_change_pct": 100 * dh, "swelling_check": check,
        "irreversible_swelling_per_cycle_pct": 100 * parts.sei_per_cycle,
        "crack_surface_area_m2_g": crack_m2_g, "sei_growth_surface_m2_g": growth_m2_g}
    after = (100 * parts.delithiated).tolist()
    own = [[(f"thickness_change_after_{c}_cycles_pct", x)] for c, x in zip(inp["cycles"], after)]
    tail = {
        "swelling_sei_pct": 100 * parts.sei, "swelling_pulverisation_pct": 100 * parts.pulverisation,
        "swelling_binder_failure_pct": 100 * parts.binder_failure,
        "binder_surface_stress_GPa": load["max_surface_von_mises_Pa"] / 1e9,
        "binder_stress_to_modulus_ratio": [b["ratio"] for b in bind], "binder_damaged": [b["damaged"] for b in bind]}
    rows = dict(size=size, d_c=d_c, margin=margin, fractures=fractures, e_p=e_p, strain_amp=strain_amp, dh=dh,
                vm_max=vm_max, vm_lin=vm_lin, growth_m2_g=growth_m2_g, c_rate=c_rate, crack_m2_g=crack_m2_g, intact=np.asarray(intact.sei_per_cycle),
                part=batch_rows(vars(parts), n), load=batch_rows(load, n), bind=bind, crit=crit, frames=frames,
                check=check, summary=batch_summaries(head, own, tail),
                **{k: inp[k] for k in ("feature", "phase", "fr", "sse", "p_conf")},
                irreversible=batch_rows({
                    "fresh_fraction": fresh, "sei_thickness_per_cycle_m": L, "cycle_time_s": t_cycle,
                    "anode_potential_V": inp["u_V"], "wetting": ef["fresh_surface_wetting"],
                    "si_volume_fraction": phi_si,
                    "sei_surface_per_si_volume_m": a_v + a_crack, "particle_surface_per_si_volume_m": a_v,
                    "crack_surface_per_si_volume_m": a_crack,
                    "surface": ["particle surface + crack faces of fragments of the critical size" if f else
                                "particle (BET) surface" for f in fractures.tolist()]}, n))
    return [_result(design, r, tables) for design, r in zip(designs, batch_rows(rows, n))]


def _result(design, r: dict, tables: bool) -> StageResult:
    """StageResult of one design of a batch from its row ``r`` of :func:`run_batch` (Python numbers; its summary
    made from the batch's columns)."""
    bind, f, part, load_n, crit = r["bind"], r["frames"], r["part"], r["load"], r["crit"]
    fr, sse, p_conf, feature, phase = r["fr"], r["sse"], r["p_conf"], r["feature"], r["phase"]
    size, d_c, margin, fractures = r["size"], r["d_c"], r["margin"], r["fractures"]
    e_p, strain_amp, dh, vm_max, vm_lin = r["e_p"], r["strain_amp"], r["dh"], r["vm_max"], r["vm_lin"]
    irr_per_cycle, check, summary = part["sei_per_cycle"], r["check"], r["summary"]
    growth_m2_g = r["growth_m2_g"]

    solid_state = None
    if sse is not None:
        from sianode.solidstate.pressure import confined_particle

        E_p = float(lisi_young_modulus(lisi.X_MAX_PRACTICAL, host="amorphous"))
        conf = confined_particle(strain_amp, E_p, LISI["nu"].value, sse, design.electrolyte.stack_pressure_MPa * 1e6)
        solid_state = {"sse": sse.as_dict(), **conf.as_dict()}
    data = MechanicsResult(
        surface_hoop_strain_amplitude=strain_amp, particle_volume_expansion=e_p, critical_diameter_m=d_c,
        feature_size_m=size, feature=feature, phase=phase, fractures=fractures, fracture_margin=margin,
        electrode_thickness_change=dh, irreversible_swelling_per_cycle=irr_per_cycle, max_von_mises_Pa=vm_max,
        max_von_mises_linear_elastic_Pa=vm_lin, confining_pressure_Pa=p_conf, binder_damaged=bind["damaged"],
        swelling_limit_check=check, solid_state=solid_state,
        locked_swelling=part["pulverisation"] + part["binder_failure"], end_of_life_swelling=part["delithiated"],
        sei_growth_surface_m2_g=growth_m2_g,
        extras={"critical_size": dict(vars(crit)), "binder": bind, "electrode_fractions": fr.__dict__,
                "irreversible_swelling": r["irreversible"], "c_rate": r["c_rate"], "binder_load": load_n,
                "swelling_parts": part},
        crack_surface_area_m2_g=r["crack_m2_g"], irreversible_swelling_intact_per_cycle=r["intact"])
    if solid_state:
        summary.update({"sse_hoop_stress_MPa": solid_state["sse_hoop_stress_Pa"] / 1e6,
                        "sse_contact_lost_on_delithiation": solid_state["contact_lost_on_delithiation"]})
    if not tables:
        return StageResult(name="mechanics", summary=summary, tables={}, data=data)
    frames, k = f
    stress = pd.DataFrame(list(_front_table(phase, p_conf)) + frames.rows(k))
    cyc = swelling.swelling_over_cycles(dh, part["sei_per_cycle"], design.protocol.cycles, locked=data.locked_swelling)
    crit_p = pd.DataFrame([{"stack_pressure_MPa": P, **{
        f"critical_diameter_{ph}_nm": critical_diameter(ph, pressure=_conf(P, sse)).critical_diameter_m * 1e9
        for ph in ("crystalline", "amorphous")}} for P in (0.0, 100.0, 300.0)])
    tabs = {
        "stress_vs_state_of_lithiation": stress,
        "swelling_vs_cycle": pd.DataFrame({k2: v2 for k2, v2 in cyc.items() if k2 != "per_cycle"}),
        "pore_matching_map": _pore_matching_map().copy(),
        "critical_size_vs_pressure": crit_p,
    }
    return StageResult(name="mechanics", summary=summary, tables=tabs, data=data)


@lru_cache(maxsize=1)
def _pore_matching_map():
    return pores.pore_matching_map()


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
