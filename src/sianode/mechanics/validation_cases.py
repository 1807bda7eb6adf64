"""Model numbers for the published mechanics cases (called by ``sianode validation``).

* :func:`critical_sizes_004` — critical diameter of crystalline and amorphous Si (seeds/004 §2.1, §4.2).
* :func:`fea_002_average_stresses` — the four particles of seeds/002 Fig. 1c–g, "average stress" at
  full lithiation, with the elasto-plastic FEM (:mod:`sianode.mechanics.fem_plastic`).
* :func:`swelling_002` — electrode thickness change after 100 cycles of the three seeds/002 electrodes
  (:mod:`sianode.mechanics.electrode_swelling`), built from the paper's own numbers.

Each returns a plain dict: ``{case_key: {"model": value, "published": value, "unit": ..., ...}}``
plus the inputs used, so a report can show where every number came from.
"""
from __future__ import annotations

import numpy as np

from sianode.materials import lisi


def critical_sizes_004(pressures_MPa=(0.0, 50.0, 100.0, 200.0)) -> dict:
    """Critical diameters (nm) from the LixSi law and the crack-front analysis, with stack-pressure dependence.

    ``{"crystalline": {...}, "amorphous": {...}}``; ``model`` is at zero confining pressure; ``vs_pressure``
    maps confining pressure (MPa) to the critical diameter (nm); ``published`` is the observation
    (c-Si ~150 nm, Liu et al. 2012; a-Si intact up to 870 nm, McDowell et al. 2013).
    """
    from sianode.mechanics.fracture import OBSERVED_CRITICAL_DIAMETER_NM, critical_diameter

    out = {}
    for phase in ("crystalline", "amorphous"):
        c = critical_diameter(phase)
        obs, src = OBSERVED_CRITICAL_DIAMETER_NM[phase]
        out[phase] = {
            "model": c.critical_diameter_m * 1e9, "published": obs, "unit": "nm", "source": src,
            "criterion": "within ±30 % of 150 nm" if phase == "crystalline" else "model >= 870 nm (no fracture seen up to 870 nm)",
            "fracture_energy_J_m2": c.fracture_energy, "shell_modulus_GPa": c.shell_modulus / 1e9,
            "max_surface_hoop_GPa": c.max_surface_hoop_Pa / 1e9,
            "vs_pressure": {float(p): critical_diameter(phase, pressure=p * 1e6).critical_diameter_m * 1e9
                            for p in pressures_MPa},
        }
    return out


def fea_002_average_stresses(h: float | None = None, states=None, include_linear_elastic: bool = True) -> dict:
    """seeds/002 Fig. 1g "average stress" at full lithiation for configurations I–IV (GPa).

    ``model``: volume-average von Mises stress of the Si at state of lithiation 1 from the elasto-plastic
    FEM with the LixSi law (two-phase front from the Li-supplying surfaces). Also returned per
    configuration: the average over the whole particle including coatings, the lithiation-history mean,
    and (``include_linear_elastic``) the same geometry and load without plastic flow, history mean with
    E(x) of the law and with one Si modulus of 130 GPa (the paper's model class: linear elastic), which
    is the sensitivity that explains the gap (docs/mechanics.md §5).
    ~1–2 min on 2 cores (configuration III dominates).
    """
    from sianode.mechanics.fem import PAPER_002_AVERAGE_GPA, paper_002_configurations
    from sianode.mechanics.fem_plastic import PlasticParticleFEM
    from sianode.mechanics.lisi_law import LAW

    out = {}
    for name, geom in paper_002_configurations().items():
        m = PlasticParticleFEM(geom, h=h, name=name)
        r = m.lithiate(states)
        row = {"model": r.final.si_average / 1e9, "published": PAPER_002_AVERAGE_GPA[name], "unit": "GPa",
               "measure": "volume-average von Mises of the Si at full lithiation (elasto-plastic)",
               "particle_average": r.final.particle_average / 1e9,
               "history_mean_si": r.history_mean("si_average") / 1e9,
               "surface": r.final.surface / 1e9, "matrix": r.final.matrix / 1e9, "pore_edge": r.final.pore_edge / 1e9,
               "n_dof": m.n_dof}
        if include_linear_elastic:
            for key, kw in (("linear_elastic_history_mean_law_E", {}),
                            ("linear_elastic_history_mean_E130", {"si_modulus": LAW["E_host_crystalline"].value})):
                el = PlasticParticleFEM(geom, h=h, name=name, plastic=False, **kw).lithiate(states)
                row[key] = el.history_mean("si_average") / 1e9
        out[name] = row
    return out


# seeds/002 §2.3, §3.1, §3.2: the three electrodes
PAPER_002_ELECTRODES = {
    # name: (reversible capacity mAh/g at 1 A/g after activation (§3.2), carbon wt frac (TGA §3.1),
    #        BET m2/g (§3.1; None: not reported), internal porosity, measured thickness change after 100 cycles %)
    "mSi": (1404.7, 0.0, None, 0.0, 230.6),
    "mSi@C": (1349.9, 0.21, 44.99, 0.0, 76.2),
    "p-mSi@SiOx/C": (1485.5, 0.21, 68.29, None, 45.6),
}


def paper_002_electrode_inputs() -> dict:
    """Explicit inputs of :func:`sianode.mechanics.electrode_swelling.electrode_swelling` for the seeds/002 electrodes.

    From the paper: electrode 70:10:20 active:Na-CMC:carbon (§2.3), 1 A/g, 100 cycles, 1 M LiPF6 EC/DEC
    + 10 % FEC (§2.3), reversible capacities (§3.2), carbon content 20–22 wt % (TGA, 0.21 used), BET
    (§3.1), pore volume 0.069 cm3/g → internal porosity 0.138 (:func:`sianode.mechanics.fem.paper_002_porosity`),
    inner pores 5–10 nm (TEM, §3.1; 7.5 nm used), particle radius 2.5 µm (§2.4 model particle), crystalline Si
    (XRD, Fig. 1i). Assumed (not in the paper): coating porosity 0.5; carbon density 2.0 g/cm3; mSi surface =
    geometric surface of a 5 µm sphere (BET not reported); average anode potential 0.35 V (life-stage
    defaults 0.25 / 0.45 V).
    """
    from sianode.interphase import breathing, calendar, electrolytes, sei
    from sianode.mechanics.binder_load import binder_damage, particle_surface_stress
    from sianode.mechanics.fem import paper_002_porosity
    from sianode.mechanics.fracture import critical_diameter
    from sianode.mechanics.pores import outward_expansion
    from sianode.mechanics.swelling import BINDER_DENSITY_G_CM3, CONDUCTIVE_DENSITY_G_CM3, electrode_fractions

    rho_si, rho_c = lisi.RHO_SI_G_CM3, 2.0
    d_particle = 5e-6
    d_c = critical_diameter("crystalline").critical_diameter_m
    ef = electrolytes.get("fec").values()
    out = {}
    for name, (q, w_c, bet, phi_pore, measured) in PAPER_002_ELECTRODES.items():
        phi_pore = paper_002_porosity() if phi_pore is None else phi_pore
        w_si = 1.0 - w_c
        x = float(lisi.x_from_capacity_mAh_g(q / w_si))
        beta = float(lisi.volume_ratio(x, "crystalline"))
        v_si, v_c = w_si / rho_si, w_c / rho_c          # per gram of particle
        v_env = (v_si + v_c) / (1.0 - phi_pore)
        e_p = float(outward_expansion(v_si, phi_pore * v_env, v_env, x=x, host="crystalline"))
        rho_env = 1.0 / v_env
        phi_si = v_si / v_env
        if bet is None:
            bet = 6.0 / (rho_si * 1e6 * d_particle)  # geometric surface of a dense sphere, m2/g
        if phi_pore > 0:
            d_pore = 7.5e-9
            feature = d_pore * (np.pi / (6 * phi_pore)) ** (1 / 3) - d_pore   # ligament, simple cubic pore array
        else:
            feature = d_particle
        fr = electrode_fractions(0.7, 0.1, 0.2, rho_env, BINDER_DENSITY_G_CM3["CMC"], CONDUCTIVE_DENSITY_G_CM3,
                                 porosity=0.5)
        c_rate = 1000.0 / q
        t_cycle = 2 * 3600.0 / c_rate
        L, _ = sei.grow(0.0, t_cycle, anode_potential_V=0.35, solvent_factor=ef["solvent_factor"],
                        electron_factor=ef["electron_factor"] * float(calendar.MATERIAL_SEI_FACTORS["silicon"]))
        hoop = (1 + e_p) ** (1 / 3) - 1
        f = float(breathing.fresh_surface_fraction(hoop, ef["sei_fracture_area_strain"], ef["fresh_surface_wetting"]))
        load = particle_surface_stress(min(feature, d_particle) / 2, c_rate, host="amorphous")
        bind = binder_damage(load["max_surface_von_mises_Pa"], "CMC")
        out[name] = {
            "particle_diameter_m": d_particle, "x": x, "particle_expansion": e_p, "active_fraction": fr.active, "porosity": fr.porosity,
            "si_volume_fraction": phi_si, "specific_surface_area_m2_g": bet, "envelope_density_g_cm3": rho_env,
            "feature_size_m": feature, "critical_diameter_m": d_c, "fresh_fraction": f,
            "sei_thickness_per_cycle_m": float(L), "binder_failed": bool(bind["damaged"]),
            "binder_stress_GPa": bind["surface_stress_GPa"], "c_rate": c_rate, "measured_pct": measured,
        }
    return out


def swelling_002(cycles: int = 100, sei_surface: str = "external") -> dict:
    """Electrode thickness change (%) after ``cycles`` for the seeds/002 electrodes, with its parts.

    ``sei_surface="bet"`` is the sensitivity run with the measured BET area as SEI-bearing surface.
    """
    from sianode.mechanics.electrode_swelling import electrode_swelling

    keys = ("active_fraction", "porosity", "particle_expansion", "si_volume_fraction", "particle_diameter_m",
            "specific_surface_area_m2_g", "envelope_density_g_cm3", "feature_size_m", "critical_diameter_m",
            "fresh_fraction", "sei_thickness_per_cycle_m", "binder_failed")
    out = {}
    for name, inp in paper_002_electrode_inputs().items():
        parts = electrode_swelling(**{k: inp[k] for k in keys}, cycles=cycles, sei_surface=sei_surface)
        out[name] = {"model": 100 * parts.delithiated, "published": inp["measured_pct"], "unit": "%",
                     "measure": f"thickness change after {cycles} cycles, delithiated state",
                     "parts_pct": {"reversible_lithiated": 100 * parts.reversible, "sei": 100 * parts.sei,
                                   "pulverisation": 100 * parts.pulverisation, "binder_failure": 100 * parts.binder_failure},
                     "lithiated_pct": 100 * parts.lithiated, "fractures": parts.fractures,
                     "binder_failed": parts.binder_failed, "inputs": inp}
    return out
