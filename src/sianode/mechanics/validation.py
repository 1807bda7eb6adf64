"""Validation figures and tables for docs/mechanics.md.

``python -m sianode.mechanics.validation OUTDIR`` writes PNG figures and CSV tables:
the LixSi law, FEM vs analytic sphere and its convergence, the elasto-plastic seeds/002
four-configuration comparison (with mesh convergence and a stress map), critical size vs stack
pressure, stress vs state of lithiation (plastic vs linear elastic) and the seeds/002
electrode-swelling comparison. Deterministic; ~3 min on 2 cores.
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


def lisi_law_figure(outdir: Path):
    import matplotlib.pyplot as plt

    from sianode.mechanics.lisi_law import law_table

    t = law_table()
    t.to_csv(outdir / "lisi_law.csv", index=False)
    fig, ax = plt.subplots(1, 3, figsize=(12, 3.6))
    ax[0].plot(t.x, t.E_amorphous_GPa, label="a-Si host"); ax[0].plot(t.x, t.E_crystalline_GPa, label="c-Si host")
    ax[0].set_ylabel("Young's modulus (GPa)")
    ax[1].plot(t.x, t.flow_compression_GPa, label="compression (lithiation)")
    ax[1].plot(t.x, t.flow_tension_GPa, label="tension (delithiation)")
    ax[1].set_ylabel("flow stress (GPa)")
    ax[2].plot(t.x, t.fracture_energy_J_m2, "k-")
    ax[2].errorbar([0.7, 2.8], [8.5, 6.15], yerr=[[4.3, 2.95], [4.3, 2.65]], fmt="o", color="C3", label="Pharr 2013")
    ax[2].set_ylabel("fracture energy (J/m2)")
    for a_ in ax:
        a_.set_xlabel("x in LixSi"); a_.legend(fontsize=7)
    fig.tight_layout(); fig.savefig(outdir / "lisi_law.png", dpi=110); plt.close(fig)
    return t


def paper_002(outdir: Path):
    """Elasto-plastic FEM of the four seeds/002 particles, the paper's measure, mesh convergence, stress map."""
    import matplotlib.pyplot as plt

    from sianode.mechanics.fem import paper_002_configurations
    from sianode.mechanics.fem_plastic import PlasticParticleFEM
    from sianode.mechanics.validation_cases import fea_002_average_stresses

    res = fea_002_average_stresses()
    tab = pd.DataFrame([{"configuration": k, **{c: v for c, v in r.items() if c not in ("measure", "unit")}}
                        for k, r in res.items()])
    tab.to_csv(outdir / "fem_002_comparison.csv", index=False)
    fig, ax = plt.subplots(figsize=(8, 4))
    xx = np.arange(len(tab))
    ax.bar(xx - 0.3, tab.model, 0.2, label="elasto-plastic, Si, full lithiation (model)")
    ax.bar(xx - 0.1, tab.particle_average, 0.2, label="elasto-plastic, Si + coatings")
    ax.bar(xx + 0.1, tab.linear_elastic_history_mean_E130, 0.2, label="linear elastic, E = 130 GPa (paper's model class)")
    ax.bar(xx + 0.3, tab.published, 0.2, label="seeds/002 Fig. 1g")
    ax.set_yscale("log"); ax.set_ylabel("average von Mises (GPa)")
    ax.set_xticks(xx); ax.set_xticklabels([c.split(" ", 1)[0] for c in tab.configuration]); ax.legend(fontsize=7)
    fig.tight_layout(); fig.savefig(outdir / "fem_002_comparison.png", dpi=110); plt.close(fig)
    conv = []
    for name in ("I pure Si", "IV porous Si, inner+outer SiOx/C"):
        g = paper_002_configurations()[name]
        for n in (10, 15, 20, 30):
            m = PlasticParticleFEM(g, h=2.7e-6 / n, name=name)
            r = m.lithiate()
            conv.append({"configuration": name, "h_um": 2.7 / n, "n_dof": m.n_dof,
                         "si_average_GPa": r.final.si_average / 1e9, "particle_average_GPa": r.final.particle_average / 1e9,
                         "surface_GPa": r.final.surface / 1e9, "matrix_GPa": r.final.matrix / 1e9,
                         "pore_edge_GPa": r.final.pore_edge / 1e9})
    conv = pd.DataFrame(conv)
    conv.to_csv(outdir / "fem_002_convergence.csv", index=False)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for name, gdf in conv.groupby("configuration"):
        ax.plot(gdf.n_dof, gdf.si_average_GPa, "o-", label=f"{name.split(' ', 1)[0]}: Si average")
        ax.plot(gdf.n_dof, gdf.particle_average_GPa, "s--", label=f"{name.split(' ', 1)[0]}: particle average")
    ax.set_xscale("log"); ax.set_xlabel("DOF"); ax.set_ylabel("average von Mises at full lithiation (GPa)")
    ax.legend(fontsize=7)
    fig.tight_layout(); fig.savefig(outdir / "fem_002_convergence.png", dpi=110); plt.close(fig)
    m = PlasticParticleFEM(paper_002_configurations()["IV porous Si, inner+outer SiOx/C"], name="IV")
    r = m.lithiate()
    fig, ax = plt.subplots(1, 2, figsize=(10, 4.5))
    for a_, val, lab in ((ax[0], np.minimum(r.von_mises, 3e9) / 1e9, "von Mises (GPa, capped at 3)"),
                         (ax[1], r.plastic_strain, "equivalent plastic strain")):
        sc = a_.scatter(r.r.ravel() * 1e6, r.z.ravel() * 1e6, c=val.ravel(), s=1, cmap="inferno")
        fig.colorbar(sc, ax=a_, label=lab); a_.set_aspect("equal"); a_.set_xlabel("r (µm)"); a_.set_ylabel("z (µm)")
    ax[0].set_title("configuration IV, full lithiation, elasto-plastic")
    fig.tight_layout(); fig.savefig(outdir / "fem_002_map_IV.png", dpi=110); plt.close(fig)
    return tab, conv


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
    from sianode.mechanics.validation_cases import swelling_002 as case

    rows = []
    for mode in ("external", "bet"):
        for k, r in case(sei_surface=mode).items():
            inp = r["inputs"]
            rows.append({"sei_surface": mode, "material": k, "x": inp["x"], "particle_expansion": inp["particle_expansion"],
                         "fractures": r["fractures"], "binder_failed": r["binder_failed"],
                         "binder_stress_GPa": inp["binder_stress_GPa"], "fresh_fraction": inp["fresh_fraction"],
                         "sei_nm_per_cycle": inp["sei_thickness_per_cycle_m"] * 1e9,
                         **{f"{p}_pct": v for p, v in r["parts_pct"].items()},
                         "after_100_cycles_pct": r["model"], "lithiated_after_100_pct": r["lithiated_pct"],
                         "paper_100_cycles_pct": r["published"]})
    df = pd.DataFrame(rows)
    df["ratio_to_paper"] = df.after_100_cycles_pct / df.paper_100_cycles_pct
    df.to_csv(outdir / "swelling_002.csv", index=False)
    return df


def main(outdir: str | Path = "docs/mechanics") -> None:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    pd.set_option("display.width", 200)
    print(lisi_law_figure(out).to_string(index=False))
    print(fem_vs_analytic(out).to_string(index=False))
    tab, conv = paper_002(out)
    print(tab.to_string(index=False)); print(conv.to_string(index=False))
    a, b = critical_sizes(out)
    print(a.to_string(index=False)); print(b.to_string(index=False))
    stress_vs_sol(out)
    print(swelling_002(out).to_string(index=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
