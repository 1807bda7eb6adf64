"""Benchmark: EIS fitting of a 100-spectrum series, sianode vs a plain impedance.py loop.

Both fit the same synthetic series (R0-p(R1,CPE1)-p(R2,CPE2)-W1, R_SEI growing 50 %, R_ct
oscillating ±30 %, 0.2 % noise, 50 frequencies each) in the same process:

* baseline: ``CustomCircuit(circuit, initial_guess=heuristic).fit(f, Z)`` per spectrum;
* sianode ``eis.fit_series``: same objective and bounds, compiled circuit evaluator and
  warm start from the previous spectrum's parameters.

Run:  .venv/bin/python benchmarks/eis.py [n_spectra]
"""
import sys

from sianode.analysis.eis import benchmark_series_fit

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    ratio = benchmark_series_fit(n, verbose=True)
    print(f"speed-up (plain impedance.py loop / sianode fit_series): {ratio:.1f}x")
