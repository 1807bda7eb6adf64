"""Vectorised full-cell sweep vs a Python loop of single-design calls, measured in the same run.

Sweeps Si-material fraction x cathode loading x N/P (21 x 10 x 5 = 1050 NCM811 pouch designs) and
checks both give the same energy density. Last line: ``designs=<n> sweep_s=<s> speedup_vs_loop=<x>``.
"""
import time

import numpy as np

from sianode.cell.anode import graphite_component, si_composite_component, two_component
from sianode.cathodes import CATHODES
from sianode.cell.stack import cell_model
from sianode.cell.sweeps import sweep

g = graphite_component()
# an illustrative Si composite: 2800 mAh/g, ICE 0.85, density 2.2 g/cm3, expansion 2.0 (V/V0 - 1)
si = si_composite_component("Si", 2800.0, 0.85, 2.2, 2.0)
ncm = CATHODES["NCM811"]
f, m, n = np.linspace(0, 1, 21), np.linspace(10, 30, 10), np.linspace(1.05, 1.4, 5)
t0 = time.perf_counter()
df = sweep(ncm, g, si, si_fraction=f, cathode_loading_mg_cm2=m, np_ratio=n, prelithiation="li_foil")
t_vec = time.perf_counter() - t0
t0 = time.perf_counter()
loop = [float(cell_model(ncm, two_component(g, si, a), cathode_loading_mg_cm2=b, np_ratio=c,
                         prelithiation="li_foil").values["energy_density_Wh_L"]) for a in f for b in m for c in n]
t_loop = time.perf_counter() - t0
diff = float(np.max(np.abs(np.array(loop) - df.energy_density_Wh_L.values)))
print(f"vectorised {t_vec:.3f} s, loop {t_loop:.3f} s, max |difference| {diff:.2e} Wh/L")
print(f"designs={len(df)} sweep_s={t_vec:.3f} speedup_vs_loop={t_loop / t_vec:.1f}")
