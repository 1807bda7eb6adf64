"""Validation figures and tables for docs/mechanics.md.

``python -m sianode.mechanics.validation OUTDIR`` writes PNG figures and CSV tables:
FEM vs analytic sphere and its convergence, the seeds/002 four-configuration comparison (with mesh
convergence), critical size vs stack pressure, stress vs state of lithiation (plastic vs linear
elastic) and the seeds/002 electrode-swelling comparison. Deterministic; ~1 min on one core.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd


def fem_vs_analytic(outdir: Path):
    import matplotlib.pyplot as plt

    from sianode.mechanics.fem import ParticleFEM, ParticleGeometry
    from sianode.mechanics.properties import LISI
    from sianode.mechanics.sphere import elastic_sphere_stress

    R = 2.5e-6
    rr = np.linspace(0, R, 4001)
    e = 0.05 * (rr / R) ** 2
    an = elastic_sphere_stress(rr, e, LISI["E_host_crystalline"].value, LISI["nu_Si"].value)
    rows = []
    res_plot = None
    for n in (5, 10, 20, 40):
        m = ParticleFEM(ParticleGeometry(R), h=R / n)
        res = m.solve(0.0, eigenstrain=lambda r, z: 0.05 * (np.hypot(r, z) / R) ** 2)
        rho = np.hypot(res.r, res.z)
        w = res.weight
        vm_an = np.interp(rho, rr, an.von_mises)
        err = np.sqrt(np.sum((res.von_mises - vm_an) ** 2 * w) / np.sum(vm_an ** 2 * w))
        rows.append({"h_over_R": 1 / n, "n_dof": m.n_dof, "rel_L2_error_von_mises": err})
        if n == 10:
            res_plot = res
    df = pd.DataFrame(rows)
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    rho = np.hypot(res_plot.r, res_plot.z)
    ax[0].plot(rho * 1e6, res_plot.radial_sph / 1e9, ".", ms=2, label="FEM radial (h = R/10)")
    ax[0].plot(rr * 1e6, an.radial / 1e9, "k-", label="analytic radial")
    ax[0].plot(rho * 1e6, res_plot.von_mises / 1e9, ".", ms=2, label="FEM von Mises")
    ax[0].plot(rr * 1e6, an.von_mises / 1e9, "k--", label="analytic von Mises")
    ax[0].set_xlabel("radius (µm)"); ax[0].set_ylabel("stress (GPa)"); ax[0].legend(fontsize=7)
    ax[1].loglog(df.n_dof, df.rel_L2_error_von_mises, "o-")
    ax[1].set_xlabel("DOF"); ax[1].set_ylabel("relative L2 error (von Mises)")
    fig.tight_layout(); fig.savefig(outdir / "fem_vs_analytic.png", dpi=110); plt.close(fig)
    df.to_csv(outdir / "fem_vs_analytic.csv", index=False)
    return df


def paper_002(outdir: Path):
    import matplotlib.pyplot as plt

    from sianode.mechanics.fem import ParticleFEM, compare_paper_002, paper_002_configurations

    tab = compare_paper_002(h=2.7e-6 / 40)
    tab.to_csv(outdir / "fem_002_comparison.csv", index=False)
    # variant: pores closed to the electrolyte (Li only from the outer surface)
    rows = []
    for name, g in paper_002_configurations().items():
        g.pores_supply_li = False
        m = ParticleFEM(g, h=2.7e-6 / 40, name=name)
        res = [m.solve(s) for s in (0.25, 0.5, 0.75)]
        rows.append({"configuration": name, "volume_average_GPa": np.mean([r.volume_average for r in res]) / 1e9,
                     "pore_edge_GPa": np.mean([r.pore_edge for r in res]) / 1e9,
                     "outward_expansion_at_0.75": res[-1].outward_volume_expansion})
    closed = pd.DataFrame(rows)
    closed.to_csv(outdir / "fem_002_closed_pores.csv", index=False)
    conv = []
    for name in ("I pure Si", "IV porous Si, inner+outer SiOx/C"):
        g = paper_002_configurations()[name]
        for n in (15, 30, 60, 90):
            m = ParticleFEM(g, h=2.7e-6 / n)
            r = m.solve(0.5)
            conv.append({"configuration": name, "h_um": 2.7 / n, "n_dof": m.n_dof, "surface_GPa": r.surface / 1e9,
                         "matrix_GPa": r.matrix / 1e9, "pore_edge_GPa": r.pore_edge / 1e9,
                         "volume_average_GPa": r.volume_average / 1e9, "max_GPa": r.max_von_mises / 1e9})
    conv = pd.DataFrame(conv)
    conv.to_csv(outdir / "fem_002_convergence.csv", index=False)
    fig, ax = plt.subplots(figsize=(7, 3.8))
    x = np.arange(len(tab))
    ax.bar(x - 0.2, tab.volume_average_GPa, 0.4, label="sianode (mean over SOL 0.25/0.5/0.75)")
    ax.bar(x + 0.2, tab.paper_average_GPa, 0.4, label="seeds/002 Fig. 1g average")
    ax.set_xticks(x); ax.set_xticklabels([c.split(" ", 1)[0] for c in tab.configuration])
    ax.set_ylabel("volume-average von Mises (GPa)"); ax.legend(fontsize=8)
    fig.tight_layout(); fig.savefig(outdir / "fem_002_comparison.png", dpi=110); plt.close(fig)
    # stress map of configuration IV
    m = ParticleFEM(paper_002_configurations()["IV porous Si, inner+outer SiOx/C"], h=2.7e-6 / 40)
    r = m.solve(0.5)
    fig, ax = plt.subplots(figsize=(5, 4.5))
    sc = ax.scatter(r.r.ravel() * 1e6, r.z.ravel() * 1e6, c=r.von_mises.ravel() / 1e9, s=1, cmap="inferno")
    fig.colorbar(sc, label="von Mises (GPa)"); ax.set_aspect("equal"); ax.set_xlabel("r (µm)"); ax.set_ylabel("z (µm)")
    ax.set_title("configuration IV, state of lithiation 0.5")
    fig.tight_layout(); fig.savefig(outdir / "fem_002_map_IV.png", dpi=110); plt.close(fig)
    return tab, closed, conv


def critical_sizes(outdir: Path):
    import matplotlib.pyplot as plt

    from sianode.mechanics.fracture import critical_diameter, front_stress

    P = np.array([0.0, 25.0, 50.0, 100.0, 200.0, 300.0])
    rows = [{"confining_pressure_MPa": p, "crystalline_nm": critical_diameter("crystalline", pressure=p * 1e6).critical_diameter_m * 1e9,
             "amorphous_nm": critical_diameter("amorphous", pressure=p * 1e6).critical_diameter_m * 1e9} for p in P]
    df = pd.DataFrame(rows)
    df.to_csv(outdir / "critical_size_vs_pressure.csv", index=False)
    conv = []
    for nn, ns in ((41, 20), (61, 40), (81, 80), (121, 160)):
        conv.append({"n_nodes": nn, "n_front_steps": ns,
                     "crystalline_nm": critical_diameter("crystalline", n_nodes=nn, n_steps=ns).critical_diameter_m * 1e9,
                     "amorphous_nm": critical_diameter("amorphous", n_nodes=nn, n_steps=ns).critical_diameter_m * 1e9})
    pd.DataFrame(conv).to_csv(outdir / "critical_size_convergence.csv", index=False)
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    ax[0].plot(df.confining_pressure_MPa, df.crystalline_nm, "o-", label="c-Si (model)")
    ax[0].plot(df.confining_pressure_MPa, df.amorphous_nm, "s-", label="a-Si (model)")
    ax[0].axhline(150, color="C0", ls=":", label="c-Si observed 150 nm (Liu 2012)")
    ax[0].axhline(870, color="C1", ls=":", label="a-Si intact up to 870 nm (McDowell 2013)")
    ax[0].set_yscale("log"); ax[0].set_xlabel("confining pressure (MPa)"); ax[0].set_ylabel("critical diameter (nm)")
    ax[0].legend(fontsize=7)
    fs = front_stress("crystalline")
    ax[1].plot(1 - fs.front_fraction ** 3, fs.surface_hoop / 1e9, label="c-Si, outermost point")
    fa = front_stress("amorphous")
    ax[1].plot(1 - fa.front_fraction ** 3, fa.surface_hoop / 1e9, label="a-Si (to Li2.5Si)")
    ax[1].axhline(0, color="k", lw=0.5)
    ax[1].set_xlabel("state of lithiation (front)"); ax[1].set_ylabel("surface hoop stress (GPa)"); ax[1].legend(fontsize=8)
    fig.tight_layout(); fig.savefig(outdir / "critical_size.png", dpi=110); plt.close(fig)
    return df, pd.DataFrame(conv)


def stress_vs_sol(outdir: Path):
    import matplotlib.pyplot as plt

    from sianode.mechanics.stage import _stress_tables

    st = _stress_tables(0.5e-6, "amorphous", 1.0, 0.0)
    st.to_csv(outdir / "stress_vs_sol_1um_aSi_1C.csv", index=False)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for (proc, model), g in st.groupby(["process", "model"]):
        if proc.startswith("first"):
            continue
        ax.plot(g.state_of_lithiation, g.surface_hoop_Pa / 1e9, "-" if model.startswith("finite") else "--",
                label=f"{proc}, {model}")
    ax.set_xlabel("state of lithiation"); ax.set_ylabel("surface hoop stress (GPa)")
    ax.set_title("1 µm a-Si particle, 1C, D = 1e-12 cm2/s"); ax.legend(fontsize=7)
    fig.tight_layout(); fig.savefig(outdir / "stress_vs_sol.png", dpi=110); plt.close(fig)
    return st


def swelling_002(outdir: Path):
    from sianode.design.schema import (Coating, Coatings, Design, Electrode, PorousMicroSi, Protocol,
                                       SiParticles)
    from sianode.chain import run_stage

    el = Electrode(active_wt_frac=0.7, binder_wt_frac=0.1, conductive_wt_frac=0.2, binder="CMC",
                   loading_mg_cm2=0.7, porosity=0.5)
    proto = Protocol(current_A_g=1.0, v_min_V=0.01, v_max_V=1.0, cycles=100)
    mats = {
        "mSi": (SiParticles(phase="crystalline", diameter_nm=3000), 230.6),
        "mSi@C": (SiParticles(phase="crystalline", diameter_nm=3000,
                              coatings=Coatings(outer=Coating(material="carbon", thickness_nm=150))), 76.2),
        "p-mSi@SiOx/C": (PorousMicroSi(phase="crystalline", diameter_um=5.0, porosity=0.14, pore_diameter_nm=400,
                                       coatings=Coatings(outer=Coating(material="SiOx/C", thickness_nm=50),
                                                         pore=Coating(material="SiOx/C", thickness_nm=20))), 45.6),
    }
    rows = []
    for k, (a, paper) in mats.items():
        r = run_stage(Design(name=k, active=a, electrode=el, protocol=proto), "mechanics")
        s = r.summary
        irr = r.data.extras["irreversible_swelling"]
        rows.append({"material": k, "fractures": s["fractures"], "binder_damaged": s["binder_damaged"],
                     "particle_expansion_pct": s["particle_volume_expansion_pct"],
                     "sei_surface": irr["surface"], "sei_surface_per_si_volume_per_um": irr["sei_surface_per_si_volume_m"] * 1e-6,
                     "fresh_fraction": irr["fresh_fraction"], "sei_nm_per_cycle": irr["sei_thickness_per_cycle_m"] * 1e9,
                     "irreversible_pct_per_cycle": s["irreversible_swelling_per_cycle_pct"],
                     "reversible_thickness_change_pct": s["electrode_thickness_change_pct"],
                     "after_100_cycles_pct": s["thickness_change_after_100_cycles_pct"], "paper_100_cycles_pct": paper})
    df = pd.DataFrame(rows)
    df["ratio_to_paper"] = df.after_100_cycles_pct / df.paper_100_cycles_pct
    df.to_csv(outdir / "swelling_002.csv", index=False)
    return df


def main(outdir: str | Path = "docs/mechanics") -> None:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    pd.set_option("display.width", 200)
    print(fem_vs_analytic(out).to_string(index=False))
    tab, closed, conv = paper_002(out)
    print(tab.to_string(index=False)); print(closed.to_string(index=False)); print(conv.to_string(index=False))
    a, b = critical_sizes(out)
    print(a.to_string(index=False)); print(b.to_string(index=False))
    stress_vs_sol(out)
    print(swelling_002(out).to_string(index=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
