"""Cell model over many designs: one vectorised call vs the scalar model called per design in a Python loop.

Designs: Si-material fraction x cathode loading x N/P x separator thickness x pouch layer count (NCM811, pouch
with its full bill of materials, thin-Li-layer prelithiation), N_VEC designs in ONE call of
:func:`sianode.cell.stack.cell_model` on broadcast arrays. Baseline: the same model called with scalars, one
design at a time in a plain Python loop, on N_LOOP designs drawn from the same grid (seeded); both are warmed
up first. The loop's outputs (capacity, mass, volume, Wh/kg, Wh/L in every state) are checked equal to the
vectorised ones for those designs before any ratio is printed. Speed-up = designs/s vectorised over designs/s
looped. Last line: ``designs=<n> designs_per_s=<x> speedup_vs_loop=<y>``.

Usage: ``python benchmarks/cell_sweep.py [N_VEC] [N_LOOP]`` (defaults 100000 and 200).
"""
import os
import sys
import time

import numpy as np

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

from sianode.cathodes import CATHODES  # noqa: E402
from sianode.cell.anode import graphite_component, si_composite_component, two_component  # noqa: E402
from sianode.cell.formats import PouchFormat  # noqa: E402
from sianode.cell.stack import cell_model  # noqa: E402

N_VEC = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
N_LOOP = int(sys.argv[2]) if len(sys.argv) > 2 else 200
KEYS = ("capacity_Ah", "mass_g", "volume_made_cm3", "volume_charged_cm3", "specific_energy_Wh_kg",
        "energy_density_made_Wh_L", "energy_density_Wh_L", "energy_density_swollen_Wh_L", "energy_density_eol_Wh_L")

g = graphite_component()
# an illustrative Si composite: 2800 mAh/g, ICE 0.85, density 2.2 g/cm3, expansion 2.0 (V/V0 - 1)
si = si_composite_component("Si", 2800.0, 0.85, 2.2, 2.0)
ncm = CATHODES["NCM811"]
rng = np.random.default_rng(15)
f = rng.uniform(0.0, 0.3, N_VEC)  # Si-material fraction
m = rng.uniform(10.0, 30.0, N_VEC)  # cathode loading, mg/cm2
n = rng.uniform(1.05, 1.4, N_VEC)  # N/P
sep = rng.uniform(8.0, 20.0, N_VEC)  # separator, µm
layers = rng.integers(10, 40, N_VEC).astype(float)  # double-sided cathodes
common = dict(prelithiation="thin_li_layer", anode_thickness_change=0.3, irreversible_swelling_per_cycle=2e-4,
              eol_cycles=500, eol_energy_retention=0.8)


def one(i):
    """The scalar model for design i (what a user's loop over designs would call)."""
    return cell_model(ncm, two_component(g, si, float(f[i])), cathode_loading_mg_cm2=float(m[i]), np_ratio=float(n[i]),
                      separator_um=float(sep[i]), cell_format=PouchFormat(n_cathodes=float(layers[i])), **common)


def vectorised():
    return cell_model(ncm, two_component(g, si, f), cathode_loading_mg_cm2=m, np_ratio=n, separator_um=sep,
                      cell_format=PouchFormat(n_cathodes=layers), **common)


# warm both paths (imports, first-call caches), then time
one(0)
cell_model(ncm, two_component(g, si, f[:10]), cathode_loading_mg_cm2=m[:10], np_ratio=n[:10], separator_um=sep[:10],
           cell_format=PouchFormat(n_cathodes=layers[:10]), **common)
t0 = time.perf_counter()
vec = vectorised().values
t_vec = time.perf_counter() - t0
idx = rng.choice(N_VEC, size=min(N_LOOP, N_VEC), replace=False)
t0 = time.perf_counter()
loop = [one(int(i)).values for i in idx]
t_loop = time.perf_counter() - t0
worst = 0.0
for k in KEYS:
    a = np.array([float(r[k]) for r in loop])
    b = np.asarray(vec[k])[idx]
    if not np.allclose(a, b, rtol=1e-9, atol=0):
        raise SystemExit(f"vectorised and looped {k} differ: max relative difference "
                         f"{float(np.max(np.abs(a / b - 1))):.3g}")
    worst = max(worst, float(np.max(np.abs(a / b - 1))))
rate_vec = N_VEC / t_vec
rate_loop = len(idx) / t_loop
print(f"vectorised: {N_VEC} designs in {t_vec:.2f} s; loop: {len(idx)} designs in {t_loop:.2f} s "
      f"({1e3 * t_loop / len(idx):.1f} ms per design); outputs equal (max relative difference {worst:.1e})")
print(f"designs={N_VEC} designs_per_s={rate_vec:.0f} speedup_vs_loop={rate_vec / rate_loop:.0f}")
